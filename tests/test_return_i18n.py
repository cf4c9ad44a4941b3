"""Returns in Simplified Chinese: labels, errors, and the customer's e-mails in their language."""
from odoo.exceptions import UserError
from odoo.tests import tagged

import return_common


@tagged('post_install', '-at_install')
class TestReturnI18n(return_common.ReturnCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env_zh = cls._load_chinese()

    def test_labels(self):
        Return = self.env_zh['customer.return']
        self.assertEqual(Return._fields['state']._description_selection(self.env_zh), [
            ('draft', "草稿"), ('to_approve', "待审批"), ('approved', "已批准"), ('received', "已接收"),
            ('done', "已完成"), ('rejected', "已拒绝"), ('cancelled', "已取消"),
        ])
        Line = self.env_zh['customer.return.line']
        self.assertEqual(dict(Line._fields['disposition']._description_selection(self.env_zh)), {
            'refund': "退款", 'replace': "换货", 'repair': "维修", 'return': "退回客户", 'scrap': "报废",
            'exchange': "调换", 'store_credit': "店铺储值",
        })
        fields = Line.fields_get(['disposition', 'qty_returnable', 'reason_id'], ['string'])
        self.assertEqual(fields['disposition']['string'], "处理方式")
        self.assertEqual(fields['qty_returnable']['string'], "可退货")
        self.assertEqual(fields['reason_id']['string'], "退货原因")

    def test_errors_in_chinese(self):
        case = self._create_return({self.sale_line_chair: 2}).with_env(self.env_zh)
        self._submit_and_approve(case)
        with self.assertRaises(UserError) as error:
            case.action_submit()
        self.assertEqual(str(error.exception), f"{case.name} 处于“已批准”状态，无法提交。")
        self.assertEqual(case.state, 'approved')

    def test_customer_mail_in_customer_language(self):
        self.customer.lang = 'zh_CN'
        case = self._create_return({self.sale_line_chair: 1})
        case.with_user(self.user_agent_1).action_submit()
        mail = case.message_ids.filtered(lambda message: message.subtype_id == self.env.ref('mail.mt_comment'))
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.subject, f"{self.company.name}：我们已收到您的退货申请 {case.name}")
        self.assertIn(self.customer, mail.partner_ids)
