"""The customer chooses the resolution of each line of a return request, among those the return
rule deciding the line allows (customer_return_resolution_choice.py): the form posts
``resolution_<order line id>``, the preview offers the choices and tells the chosen one's outcome,
the submission refuses any other before anything is written."""
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.customer_complaint_return.const import GOODS_CONDITIONS
from odoo.addons.customer_complaint_return.controllers.portal import CustomerCasePortal

RESOLUTION_PREFIX = 'resolution_'


class CustomerReturnResolutionPortal(CustomerCasePortal):

    def _parse_return_lines(self, order_sudo, errors):
        """Add the resolution the customer chose (``resolution``, as sent) to the lines asked for;
        a resolution for a line that is not on this order is refused."""
        wanted = super()._parse_return_lines(order_sudo, errors)
        form = request.httprequest.form
        order_line_ids = set(order_sudo.order_line.ids)
        values_by_id = {sale_line.id: values for sale_line, values in wanted.items()}
        stranger = False
        for key in form:
            if not key.startswith(RESOLUTION_PREFIX):
                continue
            line_id = self._to_int(key[len(RESOLUTION_PREFIX):])
            if line_id not in order_line_ids:
                stranger = True
            elif line_id in values_by_id:
                values_by_id[line_id]['resolution'] = (form.get(key) or '').strip()
        if stranger:
            errors.append(request.env._("A resolution was chosen for a product that is not on this order."))
        return wanted

    def _prepare_suggested_lines(self, preview, wanted, reason):
        """{sale line: preview line} of the lines asked for, as the reason suggests: the
        disposition, condition and lots the rules match (quantities set by ``_check_return_lines``)."""
        conditions = dict(GOODS_CONDITIONS)
        preview.reason_id = reason
        lines = {}
        for line in preview.line_ids:
            values = wanted.get(line.sale_line_id)
            if not values or line.product_uom_id.compare(line.quantity, 0.0) <= 0:
                continue
            line.update({
                'disposition': line._get_suggested_disposition(),
                'condition': values['condition'] if values['condition'] in conditions else False,
                'lot_ids': [(6, 0, list(values['lot_ids']))],
            })
            lines[line.sale_line_id] = line
        return lines

    def _check_resolutions(self, preview, wanted, reason, errors):
        """Give each line the resolution the customer chose, when the rule deciding it allows it;
        otherwise say why, naming the product (nothing is written)."""
        super()._check_resolutions(preview, wanted, reason, errors)
        if not reason or not any(values.get('resolution') for values in wanted.values()):
            return
        lines = self._prepare_suggested_lines(preview, wanted, reason)
        chosen = {sale_line: values['resolution'] for sale_line, values in wanted.items()
                  if values.get('resolution') and sale_line in lines}
        try:
            preview._check_customer_resolutions({lines[sale_line]: code for sale_line, code in chosen.items()})
        except UserError as error:
            errors.extend(str(error).split("\n"))
            return
        for sale_line, code in chosen.items():
            wanted[sale_line]['disposition'] = code

    def _choose_preview_resolutions(self, preview, asked, variants):
        """Per line with a choice: ``resolution`` (the chosen one when allowed, else the
        suggested one), which the line now carries, and ``resolutions`` ({code, name, bonus}
        in the order to offer them)."""
        choices = super()._choose_preview_resolutions(preview, asked, variants)
        Resolution = request.env['customer.return.resolution']
        for line, choice in preview._get_resolution_choices().items():
            values = asked.get(str(line.sale_line_id.id))
            values = values if isinstance(values, dict) else {}
            resolution = values.get('resolution')
            resolution = resolution if resolution in choice['codes'] else choice['default']
            if resolution != line.disposition:
                exchange = self._to_int(values.get('exchange')) if resolution == 'exchange' else None
                line.update({
                    'disposition': resolution,
                    'exchange_product_id': exchange if exchange in variants.get(line.sale_line_id.id, []) else False,
                })
            choices[line] = {
                'resolution': resolution,
                'resolutions': Resolution._describe_choices(choice['codes'], choice['bonus']),
            }
        return choices
