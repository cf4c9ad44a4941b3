"""Simplified Chinese (zh_CN) user interface: the addon's translation file, loaded and used."""
import ast
import os
import re

import polib
from lxml import etree
from markupsafe import Markup

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools.translate import TranslationModuleReader

import common

MODULE = 'customer_complaint_return'
ADDON_DIR = os.path.join(os.path.dirname(__file__), '..', MODULE)
I18N_DIR = os.path.join(ADDON_DIR, 'i18n')
POT_PATH = os.path.join(I18N_DIR, f'{MODULE}.pot')
PO_PATH = os.path.join(I18N_DIR, 'zh_CN.po')
# %(name)s, %s, %d... as used by Odoo's Python translations and report names
PLACEHOLDER = re.compile(r'%\(\w+\)[sdifr]|%[sdifr]')
XML_TAG = re.compile(r'<[^>]+>')
# Attributes whose value is text shown to the user, translated with the text around it.
TRANSLATED_ATTRIBUTE = re.compile(r'\b(title|alt|placeholder|aria-label|string|label)="[^"]*"')


@tagged('post_install', '-at_install')
class TestComplaintI18n(common.ComplaintCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env_zh = cls._load_chinese()

    def _complaint_zh(self, **values):
        return self._create_complaint(**values).with_env(self.env_zh)

    # ------------------------------------------------------------------
    # Terms loaded in the database
    # ------------------------------------------------------------------
    def test_selection_labels(self):
        Complaint = self.env_zh['customer.complaint']
        self.assertEqual(Complaint._fields['severity']._description_selection(self.env_zh), [
            ('low', "低"), ('normal', "一般"), ('high', "高"), ('critical', "紧急"),
        ])
        self.assertEqual(Complaint._fields['state']._description_selection(self.env_zh), [
            ('new', "新建"), ('in_progress', "处理中"), ('resolved', "已解决"),
            ('closed', "已关闭"), ('cancelled', "已取消"),
        ])
        self.assertEqual(Complaint._fields['channel']._description_selection(self.env_zh), [
            ('phone', "电话"), ('email', "电子邮件"), ('portal', "门户/网站"),
            ('social', "社交媒体"), ('in_person', "当面"), ('other', "其他"),
        ])
        self.assertEqual(Complaint._fields['demand']._description_selection(self.env_zh), [
            ('refund', "退款"), ('replacement', "换货"), ('repair', "维修"),
            ('apology', "解释/道歉"), ('compensation', "赔偿"), ('other', "其他"),
        ])
        # the English labels stay for English users
        self.assertEqual(
            dict(Complaint._fields['severity']._description_selection(self.env(context={'lang': 'en_US'})))['critical'],
            "Critical")

    def test_field_strings_and_help(self):
        fields = self.env_zh['customer.complaint'].fields_get(
            ['severity', 'date_received', 'demand', 'user_id', 'date_response_deadline', 'subject'],
            ['string', 'help'])
        self.assertEqual(fields['severity']['string'], "严重程度")
        self.assertEqual(fields['date_received']['string'], "接收时间")
        self.assertEqual(fields['demand']['string'], "客户诉求")
        self.assertEqual(fields['user_id']['string'], "负责人")
        self.assertEqual(fields['date_response_deadline']['string'], "首次响应期限")
        self.assertEqual(fields['subject']['help'], "简要概括投诉内容。")
        team_fields = self.env_zh['customer.complaint.team'].fields_get(['leader_id', 'member_ids'], ['string'])
        self.assertEqual(team_fields['leader_id']['string'], "团队负责人")
        self.assertEqual(team_fields['member_ids']['string'], "成员")
        model = self.env_zh['ir.model']._get('customer.complaint')
        self.assertEqual(model.name, "客户投诉")

    def test_menus_privilege_and_groups(self):
        def zh(xmlid):
            return self.env_zh.ref(f'{MODULE}.{xmlid}')
        self.assertEqual(zh('menu_complaint_return_root').name, "投诉与退货")
        self.assertEqual(zh('menu_complaint_all').name, "所有投诉")
        self.assertEqual(zh('menu_complaint_overdue').name, "逾期")
        self.assertEqual(zh('menu_complaint_cause').name, "根本原因")
        self.assertEqual(zh('res_groups_privilege_complaint_return').name, "投诉与退货")
        self.assertEqual(zh('group_complaint_manager').name, "管理员")
        self.assertEqual(zh('action_customer_complaint_overdue').name, "逾期投诉")
        # English stays English
        self.assertEqual(self.env.ref(f'{MODULE}.menu_complaint_return_root').with_context(lang='en_US').name,
                         "Complaints & Returns")

    def test_data_records(self):
        # The addon's data belongs to the main company, not to the test company: read it as superuser.
        def zh(xmlid):
            return self.env_zh.ref(f'{MODULE}.{xmlid}').sudo()
        category = zh('category_product_quality')
        self.assertEqual(category.name, "产品质量")
        self.assertEqual(category.with_context(lang='en_US').name, "Product Quality")
        self.assertEqual(zh('category_damaged_in_transit').name, "运输途中损坏")
        self.assertEqual(zh('cause_manufacturing_defect').name, "生产缺陷")
        self.assertEqual(zh('team_specialists').name, "投诉专家团队")
        self.assertEqual(zh('team_customer_service').name, "客户服务")

    def test_form_view_buttons(self):
        arch = etree.fromstring(self.env_zh['customer.complaint'].get_view(view_type='form')['arch'])
        labels = {button.get('name'): button.get('string') for button in arch.iter('button')
                  if button.get('name', '').startswith('action_') and button.get('string')}
        self.assertEqual(labels['action_start'], "开始处理")
        self.assertEqual(labels['action_resolve'], "解决")
        self.assertEqual(labels['action_close'], "关闭")
        self.assertEqual(labels['action_reopen'], "重新打开")
        self.assertEqual(labels['action_cancel'], "取消")
        pages = [page.get('string') for page in arch.iter('page')]
        self.assertEqual(pages[:3], ["描述", "调查", "解决方案"])

    def test_report_in_customer_language(self):
        self.customer.lang = 'zh_CN'
        complaint = self._create_complaint(category_id=self.category_quality.id, demand='replacement')
        html = self.env['ir.actions.report']._render_qweb_html(
            f'{MODULE}.action_report_customer_complaint', complaint.ids)[0].decode()
        self.assertIn(f"<h2>投诉 <span>{complaint.name}</span></h2>", html)
        for label in ("接收时间", "渠道", "类别", "严重程度", "客户诉求", "状态", "负责人", "解决期限"):
            self.assertIn(f"<strong>{label}</strong>", html)
        self.assertIn("换货", html)  # the demand's label in the customer's language
        self.assertNotIn("Received On", html)

    # ------------------------------------------------------------------
    # Messages built in the code
    # ------------------------------------------------------------------
    def test_user_error_in_chinese(self):
        complaint = self._complaint_zh()
        complaint.action_start()
        with self.assertRaises(UserError) as error:
            complaint.action_resolve()
        self.assertEqual(str(error.exception), f"请先填写解决结果，再将 {complaint.name} 标记为已解决。")
        self.assertEqual(complaint.state, 'in_progress')
        self.assertFalse(complaint.date_resolved)
        with self.assertRaises(UserError) as error:
            complaint._cancel("  ")
        self.assertEqual(str(error.exception), "请填写原因。")
        self.assertEqual(complaint.state, 'in_progress')

    def test_state_guard_error_in_chinese(self):
        complaint = self._complaint_zh()
        with self.assertRaises(UserError) as error:
            complaint.action_close()
        self.assertEqual(str(error.exception), f"{complaint.name} 处于“新建”状态，无法关闭。")
        self.assertEqual(complaint.state, 'new')
        self.assertFalse(complaint.date_closed)

    def test_validation_error_in_chinese(self):
        complaint = self._complaint_zh()
        with self.assertRaises(ValidationError) as error:
            complaint.email = "not-an-address"
        self.assertEqual(str(error.exception), "not-an-address 不是有效的电子邮件地址。")

    def test_new_reference_default_in_chinese(self):
        complaint = self.env_zh['customer.complaint'].create({'partner_id': self.customer.id})
        self.assertRegex(complaint.name, r'^CMP/\d{4}/\d{5}$')  # "新建" is replaced like "New"

    def test_cancel_note_in_chinese(self):
        complaint = self._complaint_zh()
        messages_before = complaint.message_ids
        complaint._cancel("客户撤回了投诉")
        self.assertEqual(complaint.state, 'cancelled')
        note = complaint.message_ids - messages_before
        note = note.filtered(lambda message: message.subtype_id == self.env.ref('mail.mt_note') and message.body)
        self.assertEqual(len(note), 1)
        self.assertEqual(note.body, Markup("<span><strong>投诉已取消</strong><br>客户撤回了投诉</span>"))

    def test_reopen_note_in_chinese(self):
        complaint = self._complaint_zh(resolution="<p>已补发新椅子。</p>")
        complaint.action_resolve()
        messages_before = complaint.message_ids
        complaint._reopen("客户反馈问题仍然存在")
        note = (complaint.message_ids - messages_before).filtered(lambda message: message.body)
        self.assertEqual(note.body, Markup("<span><strong>投诉已重新打开</strong><br>客户反馈问题仍然存在</span>"))

    def test_rerouting_note_in_chinese(self):
        complaint = self._complaint_zh(category_id=self.category_quality.id)
        self.assertEqual(complaint.team_id, self.team_service)
        messages_before = complaint.message_ids
        complaint.severity = 'high'
        self.assertEqual(complaint.team_id, self.team_specialists)
        note = (complaint.message_ids - messages_before).filtered(lambda message: message.body)
        self.assertEqual(note.body, Markup(
            "<p>严重程度或类别变更后，已从 Customer Service 重新分派至 Specialists"
            "（严重程度：高，类别：Product Quality）。</p>"))

    def test_deadline_display_name_in_chinese(self):
        line = self.env_zh['customer.complaint.deadline'].search(
            [('company_id', '=', self.company.id), ('severity', '=', 'critical'), ('category_id', '=', False)])
        self.assertEqual(line.display_name, "任意类别 / 紧急")

    # ------------------------------------------------------------------
    # The files
    # ------------------------------------------------------------------
    def test_po_translates_every_term(self):
        pot = polib.pofile(POT_PATH)
        po = polib.pofile(PO_PATH)
        self.assertEqual(po.metadata['Language'], 'zh_CN')
        self.assertEqual(po.metadata['Plural-Forms'], 'nplurals=1; plural=0;')
        self.assertIn('charset=UTF-8', po.metadata['Content-Type'])
        translations = {entry.msgid: entry for entry in po if not entry.obsolete}
        self.assertEqual(set(translations), {entry.msgid for entry in pot if not entry.obsolete})
        for term in pot:
            entry = translations[term.msgid]
            with self.subTest(msgid=term.msgid):
                self.assertTrue(entry.msgstr.strip())
                self.assertNotIn('fuzzy', entry.flags)
                self.assertEqual(sorted(PLACEHOLDER.findall(entry.msgstr)), sorted(PLACEHOLDER.findall(term.msgid)))
                self.assertEqual([TRANSLATED_ATTRIBUTE.sub(r'\1=""', tag) for tag in XML_TAG.findall(entry.msgstr)],
                                 [TRANSLATED_ATTRIBUTE.sub(r'\1=""', tag) for tag in XML_TAG.findall(term.msgid)])
                self.assertEqual(entry.occurrences, term.occurrences)

    def test_pot_is_up_to_date(self):
        """The .pot holds exactly the terms Odoo's exporter finds now (demo data left out,
        as in a database without demo where .pot files are made)."""
        demo_ids = self._demo_xmlids()
        exported = {
            source
            for module, ttype, _name, res_id, source, _value, _comments in TranslationModuleReader(
                self.env.cr, modules=[MODULE])
            if module == MODULE and not (ttype in ('model', 'model_terms') and self._is_demo(res_id, demo_ids))
        }
        pot = {entry.msgid for entry in polib.pofile(POT_PATH) if not entry.obsolete}
        self.assertEqual(sorted(exported - pot), [], "terms missing from the .pot: export it again")
        self.assertEqual(sorted(pot - exported), [], "terms of the .pot no longer used: export it again")

    @classmethod
    def _demo_xmlids(cls):
        """External ids of the records the demo files create (not those they only extend)."""
        with open(os.path.join(ADDON_DIR, '__manifest__.py'), encoding='utf-8') as manifest_file:
            manifest = ast.literal_eval(manifest_file.read())
        return cls._xmlids_in(manifest.get('demo', [])) - cls._xmlids_in(manifest.get('data', []))

    @staticmethod
    def _xmlids_in(paths):
        ids = set()
        for path in paths:
            if path.endswith('.xml'):
                tree = etree.parse(os.path.join(ADDON_DIR, path))
                ids.update(node.get('id') for node in tree.iter('record', 'menuitem', 'template') if node.get('id'))
        return {xmlid if '.' in xmlid else f'{MODULE}.{xmlid}' for xmlid in ids}

    @staticmethod
    def _is_demo(xmlid, demo_ids):
        # records of _inherits parents get the xmlid of their child plus a suffix
        return xmlid in demo_ids or any(xmlid.startswith(f'{demo_id}_') for demo_id in demo_ids)
