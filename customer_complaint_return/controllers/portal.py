"""Customer portal of complaints and returns: lists, detail pages, and the customer's own
requests (submit a complaint, request a return, answer a resolution).

Every route checks access with the portal's own helper (``_document_check_access``: record
rules, or the record's access token) and, before anything is written, that each id the browser
sent belongs to the logged-in customer's company (commercial entity). Records are only read or
written with elevated rights after that check.
"""
import logging
import math
import os
from urllib.parse import urlencode

from werkzeug.exceptions import Forbidden, NotFound

from odoo import SUPERUSER_ID, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.fields import Command, Domain
from odoo.http import request
from odoo.tools import float_compare, plaintext2html
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.customer_complaint_return.const import (
    COMPLAINT_OPEN_STATES,
    GOODS_CONDITIONS,
    RETURN_ACTIVE_STATES,
    RETURN_REVIEW_STATES,
)
from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

_logger = logging.getLogger(__name__)

# What customers may upload: photos and PDF files, recognised by their content.
ALLOWED_UPLOAD_MIMETYPES = ('image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf')
DEFAULT_MAX_FILES = 5
DEFAULT_MAX_SIZE_MB = 10
# Orders offered in the forms, newest first.
FORM_ORDER_LIMIT = 50

# The lists' search bars: how they sort, filter by status and search (labels in the controller).
COMPLAINT_SEARCHBAR = {
    'orders': {'date': 'date_received desc, id desc', 'name': 'name desc', 'state': 'state, date_received desc'},
    'filters': {
        'all': [],
        'open': [('state', 'in', COMPLAINT_OPEN_STATES)],
        'resolved': [('state', '=', 'resolved')],
        'closed': [('state', 'in', ('closed', 'cancelled'))],
    },
    'inputs': {'all': ['name', 'subject', 'sale_order_id.name'], 'name': ['name'], 'order': ['sale_order_id.name']},
}
RETURN_SEARCHBAR = {
    'orders': {'date': 'date_request desc, id desc', 'name': 'name desc', 'state': 'state, date_request desc'},
    'filters': {
        'all': [],
        'review': [('state', 'in', RETURN_REVIEW_STATES)],
        'approved': [('state', 'in', ('approved', 'received'))],
        'done': [('state', '=', 'done')],
        'closed': [('state', 'in', ('rejected', 'cancelled'))],
    },
    'inputs': {'all': ['name', 'sale_order_id.name'], 'name': ['name'], 'order': ['sale_order_id.name']},
}


class CustomerCasePortal(CustomerPortal):

    # ------------------------------------------------------------------
    # My Account
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        for key, model in (('complaint_count', 'customer.complaint'), ('customer_return_count', 'customer.return')):
            if key in counters:
                Case = request.env[model]
                values[key] = Case.search_count([]) if Case.has_access('read') else 0
        return values

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def _case_check_access(self, model, record_id, access_token=None):
        """The case ``record_id`` (in sudo) if the visitor may read it, by the record rules or
        with its access token; otherwise the response to give: 404, 403, or the login page."""
        try:
            return self._document_check_access(model, record_id, access_token=access_token), None
        except MissingError:
            return None, request.not_found()
        except AccessError:
            if request.env.user._is_public() and not access_token:
                return None, request.redirect(
                    '/web/login?' + urlencode({'redirect': request.httprequest.full_path}), local=True)
            return None, Forbidden()

    def _case_for_customer(self, model, record_id):
        """The case ``record_id`` (in sudo) for an action of the logged-in customer: they must
        read it by the record rules (a token is not enough) and it must be their company's."""
        try:
            case_sudo = self._document_check_access(model, record_id)
        except MissingError:
            raise NotFound()
        except AccessError:
            raise Forbidden()
        if case_sudo.commercial_partner_id != request.env.user.partner_id.commercial_partner_id:
            raise Forbidden()
        return case_sudo

    def _customer(self):
        return request.env.user.partner_id.commercial_partner_id

    def _customer_orders(self, order_id=None):
        """Confirmed orders of the customer, read with the customer's own rights; one of them
        when ``order_id`` is given (empty when it is not theirs)."""
        domain = [('partner_id', 'child_of', self._customer().id), ('state', '=', 'sale')]
        if order_id is not None:
            domain.append(('id', '=', order_id))
        return request.env['sale.order'].search(domain, order='date_order desc, id desc', limit=FORM_ORDER_LIMIT)

    def _customer_order_or_403(self, order_id):
        order_id = self._to_int(order_id)
        order = self._customer_orders(order_id) if order_id else request.env['sale.order']
        if not order:
            raise Forbidden()
        return order

    @staticmethod
    def _to_int(value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return None

    def _page_values(self, case_sudo, access_token, history_key, **kwargs):
        values = self._get_page_view_values(case_sudo, access_token, {}, history_key, False, **kwargs)
        # The chatter posts with the case's token: the customer may answer, nothing more.
        values['token'] = access_token or case_sudo._portal_ensure_token()
        values['can_act'] = not request.env.user._is_public() \
            and case_sudo.commercial_partner_id == self._customer()
        return values

    # ------------------------------------------------------------------
    # Lists
    # ------------------------------------------------------------------
    def _complaint_searchbar(self):
        env = request.env
        return self._searchbar(
            sortings={'date': env._("Newest"), 'name': env._("Reference"), 'state': env._("Status")},
            filters={'all': env._("All"), 'open': env._("Open"), 'resolved': env._("Resolved"),
                     'closed': env._("Closed")},
            inputs={'all': env._("Search in All"), 'name': env._("Search in Reference"),
                    'order': env._("Search in Order")},
            specs=COMPLAINT_SEARCHBAR)

    def _return_searchbar(self):
        env = request.env
        return self._searchbar(
            sortings={'date': env._("Newest"), 'name': env._("Reference"), 'state': env._("Status")},
            filters={'all': env._("All"), 'review': env._("Under Review"), 'approved': env._("Approved"),
                     'done': env._("Done"), 'closed': env._("Rejected or Cancelled")},
            inputs={'all': env._("Search in All"), 'name': env._("Search in Reference"),
                    'order': env._("Search in Order")},
            specs=RETURN_SEARCHBAR)

    @staticmethod
    def _searchbar(sortings, filters, inputs, specs):
        """The portal search bar's options: translated labels on the orders, domains and searched
        fields of ``specs``."""
        return {
            'sortings': {key: {'label': label, 'order': specs['orders'][key]} for key, label in sortings.items()},
            'filters': {key: {'label': label, 'domain': specs['filters'][key]} for key, label in filters.items()},
            'inputs': {key: {'input': key, 'label': label, 'fields': specs['inputs'][key]}
                       for key, label in inputs.items()},
        }

    def _case_list_values(self, model, url, searchbar, page, sortby, filterby, search, search_in):
        sortby = sortby if sortby in searchbar['sortings'] else 'date'
        filterby = filterby if filterby in searchbar['filters'] else 'all'
        search_in = search_in if search_in in searchbar['inputs'] else 'all'
        domain = Domain(searchbar['filters'][filterby]['domain'])
        if search:
            domain &= Domain.OR([Domain(field, 'ilike', search) for field in searchbar['inputs'][search_in]['fields']])
        Case = request.env[model]
        pager = portal_pager(
            url=url, total=Case.search_count(domain), page=page, step=self._items_per_page,
            url_args={'sortby': sortby, 'filterby': filterby, 'search_in': search_in, 'search': search or ''})
        cases = Case.search(domain, order=searchbar['sortings'][sortby]['order'],
                            limit=self._items_per_page, offset=pager['offset'])
        values = self._prepare_portal_layout_values()
        values.update({
            # found with the customer's own rights; shown with their reasons, orders... in sudo
            'cases': cases.sudo(),
            'pager': pager,
            'default_url': url,
            'searchbar_sortings': searchbar['sortings'],
            'sortby': sortby,
            'searchbar_filters': searchbar['filters'],
            'filterby': filterby,
            'searchbar_inputs': searchbar['inputs'],
            'search_in': search_in,
            'search': search or '',
        })
        return values

    @http.route(['/my/complaints', '/my/complaints/page/<int:page>'], type='http', auth='user', website=True)
    def portal_my_complaints(self, page=1, sortby=None, filterby=None, search=None, search_in='all', **kw):
        values = self._case_list_values(
            'customer.complaint', '/my/complaints', self._complaint_searchbar(), page, sortby, filterby, search,
            search_in)
        values['page_name'] = 'complaint'
        request.session['my_complaints_history'] = values['cases'].ids[:100]
        return request.render('customer_complaint_return.portal_my_complaints', values)

    @http.route(['/my/returns', '/my/returns/page/<int:page>'], type='http', auth='user', website=True)
    def portal_my_returns(self, page=1, sortby=None, filterby=None, search=None, search_in='all', **kw):
        values = self._case_list_values(
            'customer.return', '/my/returns', self._return_searchbar(), page, sortby, filterby, search, search_in)
        values['page_name'] = 'customer_return'
        request.session['my_returns_history'] = values['cases'].ids[:100]
        return request.render('customer_complaint_return.portal_my_returns', values)

    # ------------------------------------------------------------------
    # Complaint page and the customer's answer to a resolution
    # ------------------------------------------------------------------
    @http.route(['/my/complaints/<int:complaint_id>'], type='http', auth='public', website=True)
    def portal_my_complaint(self, complaint_id, access_token=None, message=None, error=None, **kw):
        complaint_sudo, response = self._case_check_access('customer.complaint', complaint_id, access_token)
        if response is not None:
            return response
        values = self._page_values(complaint_sudo, access_token, 'my_complaints_history', **kw)
        values.update({
            'complaint': complaint_sudo,
            'page_name': 'complaint',
            'message': message,
            # only our own messages, by their key: the URL's text never reaches the page
            'error_message': self._answer_error_messages().get(error),
            'steps': self._complaint_steps(complaint_sudo),
            'rating_token': self._complaint_rating_token(complaint_sudo),
        })
        return request.render('customer_complaint_return.portal_my_complaint', values)

    def _complaint_steps(self, complaint):
        labels = dict(complaint._fields['state']._description_selection(request.env))
        order = ['new', 'in_progress', 'resolved', 'closed']
        return self._steps(order, labels, complaint.state)

    def _return_steps(self, case):
        labels = dict(case._fields['state']._description_selection(request.env))
        order = ['draft', 'to_approve', 'approved', 'received', 'done']
        if case.state != 'draft':
            order = order[1:]
        return self._steps(order, labels, case.state)

    @staticmethod
    def _steps(order, labels, state):
        current = order.index(state) if state in order else -1
        return [{'label': labels[key], 'done': index < current, 'current': index == current}
                for index, key in enumerate(order)]

    def _complaint_rating_token(self, complaint_sudo):
        """The token to rate a closed complaint in one click, when its team asks for ratings and
        the visitor is its customer."""
        if complaint_sudo.state != 'closed' or not complaint_sudo.team_id.rating_active \
                or not complaint_sudo.partner_id:
            return False
        rating = complaint_sudo.rating_ids.filtered(lambda r: r.partner_id == complaint_sudo.partner_id)[:1]
        if rating.consumed:
            return False
        return rating.access_token or complaint_sudo._rating_get_access_token()

    @http.route(['/my/complaints/<int:complaint_id>/accept'], type='http', auth='user', methods=['POST'],
                website=True)
    def portal_complaint_accept(self, complaint_id, **kw):
        complaint_sudo = self._case_for_customer('customer.complaint', complaint_id)
        error = self._answer_resolution(
            complaint_sudo, lambda: complaint_sudo._portal_accept_resolution(request.env.user.partner_id))
        if error:
            return self._redirect_with(complaint_sudo, error=error)
        return self._redirect_with(complaint_sudo, message='accepted')

    @http.route(['/my/complaints/<int:complaint_id>/not_solved'], type='http', auth='user', methods=['POST'],
                website=True)
    def portal_complaint_not_solved(self, complaint_id, words='', **kw):
        complaint_sudo = self._case_for_customer('customer.complaint', complaint_id)
        words = self._clean_text(words, 5000)
        error = self._answer_resolution(
            complaint_sudo, lambda: complaint_sudo._portal_reject_resolution(request.env.user.partner_id, words),
            words=words)
        if error:
            return self._redirect_with(complaint_sudo, error=error)
        return self._redirect_with(complaint_sudo, message='reopened')

    def _answer_resolution(self, complaint_sudo, answer, words=None):
        """Run the customer's ``answer`` to the resolution: all or nothing. The key of the
        message to show when it was refused (see ``_answer_error_messages``), else None."""
        try:
            with request.env.cr.savepoint():
                answer()
        except UserError as error:
            request.env.invalidate_all()
            _logger.info("Portal answer to the resolution of %s refused: %s", complaint_sudo.name, error)
            if complaint_sudo.state != 'resolved':
                return 'state'
            if words is not None and not words:
                return 'words'
            return 'failed'
        return None

    @staticmethod
    def _answer_error_messages():
        env = request.env
        return {
            'state': env._("This is not possible anymore: the complaint is no longer waiting for your answer."),
            'words': env._("Tell us in a few words what is still wrong."),
            'failed': env._("Your answer could not be recorded: please write to us in the conversation below."),
        }

    @staticmethod
    def _redirect_with(case, message=None, error=None):
        params = {'message': message} if message else {'error': error} if error else {}
        return request.redirect(f"{case.access_url}?{urlencode(params)}" if params else case.access_url, local=True)

    # ------------------------------------------------------------------
    # Return page
    # ------------------------------------------------------------------
    @http.route(['/my/returns/<int:return_id>'], type='http', auth='public', website=True)
    def portal_my_return(self, return_id, access_token=None, report_type=None, download=False, message=None, **kw):
        case_sudo, response = self._case_check_access('customer.return', return_id, access_token)
        if response is not None:
            return response
        if report_type in ('html', 'pdf', 'text'):
            if case_sudo.state not in RETURN_ACTIVE_STATES:
                raise NotFound()  # no authorization before the return is approved
            return self._show_report(
                model=case_sudo, report_type=report_type,
                report_ref='customer_complaint_return.action_report_customer_return', download=download)
        values = self._page_values(case_sudo, access_token, 'my_returns_history', **kw)
        values.update({
            'customer_return': case_sudo,
            'page_name': 'customer_return',
            'message': message,
            'steps': self._return_steps(case_sudo),
            'can_print': case_sudo.state in RETURN_ACTIVE_STATES,
            'credit_notes': case_sudo.credit_note_ids.filtered(lambda move: move.state == 'posted'),
        })
        return request.render('customer_complaint_return.portal_my_return', values)

    # ------------------------------------------------------------------
    # Uploads
    # ------------------------------------------------------------------
    def _upload_limits(self):
        get_param = request.env['ir.config_parameter'].sudo().get_param
        max_files = self._to_int(get_param('customer_complaint_return.portal_upload_max_files')) or DEFAULT_MAX_FILES
        max_mb = self._to_int(get_param('customer_complaint_return.portal_upload_max_size_mb')) or DEFAULT_MAX_SIZE_MB
        return max_files, max_mb

    def _read_uploads(self, field_name, errors):
        """[(file name, content)] of the files posted in ``field_name``, checked here: how many,
        how big, and that each is a photo or a PDF by its content. Problems go to ``errors``."""
        env = request.env
        files = [upload for upload in request.httprequest.files.getlist(field_name) if upload and upload.filename]
        max_files, max_mb = self._upload_limits()
        if len(files) > max_files:
            errors.append(env._("Send at most %(count)s files.", count=max_files))
            return []
        uploads = []
        for upload in files:
            name = os.path.basename(upload.filename.replace('\\', '/'))[:200] or 'file'
            content = upload.read(max_mb * 1024 * 1024 + 1)
            if len(content) > max_mb * 1024 * 1024:
                errors.append(env._("%(file)s is larger than %(size)s MB.", file=name, size=max_mb))
                continue
            if not content:
                errors.append(env._("%(file)s is empty.", file=name))
                continue
            if guess_mimetype(content, default='') not in ALLOWED_UPLOAD_MIMETYPES:
                errors.append(env._("%(file)s is not a photo (JPEG, PNG, GIF, WebP) or a PDF file.", file=name))
                continue
            uploads.append((name, content))
        return uploads

    def _post_customer_files(self, case_sudo, uploads, body):
        """The customer's files, in a message of theirs on the case (portal chatter included)."""
        if uploads:
            case_sudo.message_post(
                body=body, author_id=request.env.user.partner_id.id, message_type='comment',
                subtype_xmlid='mail.mt_comment', attachments=uploads)

    @staticmethod
    def _clean_text(value, limit=10000):
        return (value or '').strip()[:limit]

    # ------------------------------------------------------------------
    # Submit a complaint
    # ------------------------------------------------------------------
    @http.route(['/my/complaints/new'], type='http', auth='user', website=True)
    def portal_complaint_new(self, order_id=None, **kw):
        order = self._customer_order_or_403(order_id) if order_id else request.env['sale.order']
        return request.render('customer_complaint_return.portal_complaint_form',
                              self._complaint_form_values({'order_id': order.id}))

    def _complaint_form_values(self, form, errors=()):
        orders = self._customer_orders()
        max_files, max_mb = self._upload_limits()
        values = self._prepare_portal_layout_values()
        values.update({
            'page_name': 'complaint_new',
            'orders': orders,
            'products_by_order': {order: order.sudo().order_line.filtered(
                lambda line: not line.display_type).product_id for order in orders},
            'form': form,
            'errors': list(errors),
            'max_files': max_files,
            'max_mb': max_mb,
        })
        return values

    @http.route(['/my/complaints/submit'], type='http', auth='user', methods=['POST'], website=True)
    def portal_complaint_submit(self, subject='', description='', order_id=None, **post):
        env = request.env
        errors = []
        order = self._customer_order_or_403(order_id) if order_id else env['sale.order']
        # Products: of the chosen order, or of any confirmed order of the customer.
        allowed_products = (order or self._customer_orders()).sudo().order_line.product_id
        product_ids = {self._to_int(value) for value in request.httprequest.form.getlist('product_ids')}
        if None in product_ids or not product_ids <= set(allowed_products.ids):
            raise Forbidden()
        subject = self._clean_text(subject, 250)
        if not subject:
            errors.append(env._("Say in a few words what the complaint is about."))
        description = self._clean_text(description)
        uploads = self._read_uploads('attachments', errors)
        form = {'subject': subject, 'description': description, 'order_id': order.id, 'product_ids': product_ids}
        if errors:
            return request.render('customer_complaint_return.portal_complaint_form',
                                  self._complaint_form_values(form, errors))
        complaint_sudo = self._create_portal_complaint(order, allowed_products.browse(product_ids), subject,
                                                       description, uploads)
        return request.redirect(f"{complaint_sudo.access_url}?message=submitted", local=True)

    def _create_portal_complaint(self, order, products, subject, description, uploads):
        partner = request.env.user.partner_id
        vals = {
            'partner_id': partner.id,
            'company_id': (order.company_id or request.env.user.company_id).id,
            'channel': 'portal',
            'subject': subject,
            'description': plaintext2html(description) if description else False,
        }
        if order:
            order_sudo = order.sudo()
            documents = request.env['customer.complaint']._prepare_documents_from_sale_order(order_sudo)
            documents['product_ids'] = products
            vals['sale_order_id'] = order_sudo.id
            vals.update({name: [Command.set(records.ids)] for name, records in documents.items()})
        elif products:
            vals['product_ids'] = [Command.set(products.ids)]
        with request.env.cr.savepoint():
            complaint_sudo = request.env['customer.complaint'].sudo().create(vals)
            self._post_customer_files(complaint_sudo, uploads, request.env._("Photos and documents of the complaint."))
            complaint_sudo._send_acknowledgement()
        return complaint_sudo

    # ------------------------------------------------------------------
    # Request a return
    # ------------------------------------------------------------------
    @http.route(['/my/returns/new'], type='http', auth='user', website=True)
    def portal_return_new(self, order_id=None, **kw):
        if not order_id:
            values = self._prepare_portal_layout_values()
            values.update({'page_name': 'customer_return_new', 'orders': self._returnable_orders()})
            return request.render('customer_complaint_return.portal_return_choose_order', values)
        order = self._customer_order_or_403(order_id)
        return request.render('customer_complaint_return.portal_return_form', self._return_form_values(order, {}))

    def _returnable_orders(self):
        orders = self._customer_orders()
        return orders.filtered(lambda order: any(
            line.qty_delivered > 0 for line in order.sudo().order_line if not line.display_type))

    def _return_reasons(self, order):
        return request.env['customer.return.reason'].sudo().search([('company_id', '=', order.company_id.id)])

    def _preview_return(self, order_sudo):
        """A return of ``order_sudo``'s delivered lines, not saved, to show what can come back and
        why not (eligibility as the back office computes it). Its lines ask for nothing yet: their
        returnable quantity is computed once, by the lines themselves."""
        sale_lines = order_sudo.order_line.filtered(
            lambda line: not line.display_type and line.product_id.type == 'consu' and line.qty_delivered > 0)
        Return = request.env['customer.return'].sudo()
        return Return.new({
            'partner_id': request.env.user.partner_id.id,
            'company_id': order_sudo.company_id.id,
            'sale_order_id': order_sudo.id,
            'channel': 'portal',
            'line_ids': [Command.create({
                'sale_line_id': line.id,
                'quantity': 0.0,
            }) for line in sale_lines],
        })

    def _available_quantities(self, preview):
        """{sale line id: quantity the customer may still ask for}: what can come back, less
        what other requests still under review already ask for (a second click asks nothing)."""
        sale_lines = preview.line_ids.sale_line_id
        pending = dict(request.env['customer.return.line'].sudo()._read_group(
            [('sale_line_id', 'in', sale_lines.ids), ('state', 'in', RETURN_REVIEW_STATES)],
            ['sale_line_id'], ['quantity:sum']))
        return {line.sale_line_id.id: max(line.qty_returnable - pending.get(line.sale_line_id, 0.0), 0.0)
                for line in preview.line_ids}

    def _return_form_values(self, order, form, errors=()):
        order_sudo = order.sudo()
        max_files, max_mb = self._upload_limits()
        values = self._prepare_portal_layout_values()
        preview = self._preview_return(order_sudo)
        values.update({
            'page_name': 'customer_return_new',
            'order': order_sudo,
            'preview': preview,
            'available': self._available_quantities(preview),
            'reasons': self._return_reasons(order_sudo),
            'conditions': GOODS_CONDITIONS,
            'window_days': order_sudo.company_id.return_window_days,
            'require_condition': order_sudo.company_id.return_require_condition,
            'form': form,
            'errors': list(errors),
            'exchange_variants': self._exchange_variants(preview),
            'max_files': max_files,
            'max_mb': max_mb,
        })
        return values

    @staticmethod
    def _exchange_variants(preview):
        """{sale line id: the other variants of its product the customer may take in exchange}."""
        variants = {}
        for line in preview.line_ids:
            template = line.product_id.product_tmpl_id
            others = template.product_variant_ids.filtered(
                lambda variant: variant != line.product_id and variant.sale_ok and variant.active)
            if others:
                variants[line.sale_line_id.id] = others
        return variants

    def _check_exchanges(self, preview, wanted, reason, errors):
        """An exchange on the portal is for another variant of the same product: the one chosen."""
        variants = self._exchange_variants(preview)
        for sale_line, values in wanted.items():
            # the resolution the customer chose (portal_resolution.py), else the reason's
            if values['quantity'] <= 0 or (values.get('disposition') or reason.default_disposition) != 'exchange':
                continue
            chosen = values.get('exchange_product_id')
            if not chosen:
                errors.append(request.env._("%(product)s: choose the variant you want instead.",
                                            product=sale_line.product_id.display_name))
            elif chosen not in variants.get(sale_line.id, request.env['product.product']).ids:
                raise Forbidden()

    def _parse_return_lines(self, order_sudo, errors):
        """{sale line: {quantity, condition, lots}} of the posted lines with a quantity; ids that
        are not lines (lots) of this order are refused."""
        form = request.httprequest.form
        lines_by_id = {line.id: line for line in order_sudo.order_line}
        wanted = {}
        for key in form:
            if not key.startswith('qty_'):
                continue
            line = lines_by_id.get(self._to_int(key[4:]))
            if not line:
                raise Forbidden()
            raw = (form.get(key) or '').strip().replace(',', '.')
            if not raw:
                continue
            try:
                quantity = float(raw)
            except ValueError:
                quantity = None
            if quantity is None or not math.isfinite(quantity):  # nan, inf, 1e309...
                errors.append(request.env._("%(product)s: %(qty)s is not a quantity.",
                                            product=line.product_id.display_name, qty=raw))
                continue
            lot_ids = {self._to_int(value) for value in form.getlist(f'lots_{line.id}')}
            wanted[line] = {
                'quantity': quantity,
                'condition': form.get(f'condition_{line.id}') or False,
                'lot_ids': lot_ids,
                'exchange_product_id': self._to_int(form.get(f'exchange_{line.id}')),
            }
        return wanted

    def _check_return_lines(self, preview, wanted, require_condition, errors):
        """Refuse what the back office would refuse, with the reason, before anything is made."""
        env = request.env
        conditions = dict(GOODS_CONDITIONS)
        lines = {line.sale_line_id: line for line in preview.line_ids}
        available = self._available_quantities(preview)
        for sale_line, values in wanted.items():
            line = lines.get(sale_line)
            if not line:
                raise Forbidden()  # a line of the order that was never delivered
            product = sale_line.product_id.display_name
            if not values['lot_ids'] <= set(line.available_lot_ids.ids):
                raise Forbidden()
            quantity = values['quantity']
            if quantity < 0:
                errors.append(env._("%(product)s: the quantity cannot be negative.", product=product))
                continue
            if float_compare(quantity, 0.0, precision_rounding=sale_line.product_uom_id.rounding) == 0:
                continue
            returnable = available[sale_line.id]
            if float_compare(quantity, returnable, precision_rounding=sale_line.product_uom_id.rounding) > 0:
                errors.append(env._(
                    "%(product)s: %(qty)s requested, only %(returnable)s %(unit)s can be returned "
                    "(delivered, less what was returned or is already requested).",
                    product=product, qty=quantity, returnable=returnable, unit=sale_line.product_uom_id.name))
                continue
            line.quantity = quantity
            if not line.is_eligible:
                errors.append(line.eligibility_note)
            if values['condition'] and values['condition'] not in conditions:
                errors.append(env._("%(product)s: choose the condition of the goods.", product=product))
            elif require_condition and not values['condition']:
                errors.append(env._("%(product)s: give the condition of the goods.", product=product))
        if not any(values['quantity'] > 0 for values in wanted.values()):
            errors.append(env._("Give the quantity of at least one product to return."))

    @http.route(['/my/returns/preview'], type='jsonrpc', auth='user', methods=['POST'], website=True)
    def portal_return_preview(self, order_id=None, reason_id=None, lines=None, **kw):
        """What the return rules will decide for each line the customer fills in, before they submit:
        {sale line id: {summary, refused}}. Lines that ask for nothing, or for what cannot be
        returned, get no outcome (the form explains those on submission)."""
        order = self._customer_order_or_403(order_id)
        order_sudo = order.sudo()  # the customer's own order, checked above
        preview = self._preview_return(order_sudo)
        reason = self._return_reasons(order_sudo).filtered(lambda r: r.id == self._to_int(reason_id))
        available = self._available_quantities(preview)
        conditions = dict(GOODS_CONDITIONS)
        variants = {sale_line_id: products.ids for sale_line_id, products in self._exchange_variants(preview).items()}
        asked = lines if isinstance(lines, dict) else {}
        preview.reason_id = reason
        for line in preview.line_ids:
            values = asked.get(str(line.sale_line_id.id))
            quantity = self._to_float(values.get('quantity')) if isinstance(values, dict) else None
            if quantity is None or quantity <= 0 or not line.is_eligible or float_compare(
                    quantity, available[line.sale_line_id.id], precision_rounding=line.product_uom_id.rounding) > 0:
                continue
            condition = values.get('condition')
            disposition = reason.default_disposition or 'refund'
            exchange = self._to_int(values.get('exchange')) if disposition == 'exchange' else None
            line.update({
                'quantity': quantity,
                'condition': condition if condition in conditions else False,
                'disposition': disposition,
                'exchange_product_id': exchange if exchange in variants.get(line.sale_line_id.id, []) else False,
            })
        choices = self._choose_preview_resolutions(preview, asked, variants)
        outcomes = preview._preview_rule_outcomes()
        return {
            str(line.sale_line_id.id): {'summary': outcome['summary'], 'refused': bool(outcome['refused']),
                                        **choices.get(line, {})}
            for line, outcome in outcomes.items()
        }

    def _choose_preview_resolutions(self, preview, asked, variants):
        """{preview line: what the reply tells of the resolutions the customer may choose}
        (portal_resolution.py), after giving the lines the chosen ones."""
        return {}

    def _check_resolutions(self, preview, wanted, reason, errors):
        """Check the resolutions the customer chose (portal_resolution.py)."""

    @staticmethod
    def _to_float(value):
        """A finite number from what a form sent, or None (nan, inf, 1e309 and words are none)."""
        try:
            number = float(str(value).strip().replace(',', '.'))
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) else None

    @http.route(['/my/returns/submit'], type='http', auth='user', methods=['POST'], website=True)
    def portal_return_submit(self, order_id=None, reason_id=None, description='', **post):
        env = request.env
        order = self._customer_order_or_403(order_id)
        order_sudo = order.sudo()  # the customer's own order, checked above
        errors = []
        wanted = self._parse_return_lines(order_sudo, errors)
        preview = self._preview_return(order_sudo)
        self._check_return_lines(preview, wanted, order_sudo.company_id.return_require_condition, errors)
        reasons = self._return_reasons(order_sudo)
        reason = reasons.filtered(lambda r: r.id == self._to_int(reason_id))
        if not reason:
            errors.append(env._("Choose the reason of the return."))
        uploads = self._read_uploads('photos', errors)
        self._check_resolutions(preview, wanted, reason, errors)
        self._check_exchanges(preview, wanted, reason, errors)
        if reason.photo_required and not uploads:
            errors.append(env._("Add a photo of the goods: the reason %(reason)s requires one.", reason=reason.name))
        description = self._clean_text(description)
        form = {
            'reason_id': reason.id,
            'description': description,
            'lines': {line.id: values for line, values in wanted.items()},
        }
        if errors:
            return request.render('customer_complaint_return.portal_return_form',
                                  self._return_form_values(order, form, errors))
        try:
            case_sudo = self._create_portal_return(order_sudo, reason, description, wanted, uploads)
        except (UserError, ValidationError) as error:
            request.env.invalidate_all()
            return request.render('customer_complaint_return.portal_return_form',
                                  self._return_form_values(order, form, [str(error)]))
        return request.redirect(f"{case_sudo.access_url}?message=submitted", local=True)

    def _create_portal_return(self, order_sudo, reason, description, wanted, uploads):
        """Create the return as the back office would, then submit it: the review starts and
        the customer gets the acknowledgement. Nothing stays when any step fails."""
        salesperson = order_sudo.user_id if order_sudo.user_id and not order_sudo.user_id.share else False
        disposition = reason.default_disposition or 'refund'
        line_commands = [Command.create({
            'sale_line_id': sale_line.id,
            'quantity': values['quantity'],
            'condition': values['condition'],
            'disposition': values.get('disposition') or disposition,
            'exchange_product_id': values.get('exchange_product_id')
            if (values.get('disposition') or disposition) == 'exchange' else False,
            'lot_ids': [Command.set(list(values['lot_ids']))],
        }) for sale_line, values in wanted.items() if values['quantity'] > 0]
        with request.env.cr.savepoint():
            case_sudo = request.env['customer.return'].sudo().create({
                'partner_id': request.env.user.partner_id.id,
                'company_id': order_sudo.company_id.id,
                'sale_order_id': order_sudo.id,
                'channel': 'portal',
                'user_id': salesperson.id if salesperson else False,
                'reason_id': reason.id,
                'date_request': fields.Date.context_today(order_sudo),
                'description': plaintext2html(description) if description else False,
                'line_ids': line_commands,
            })
            self._post_customer_files(case_sudo, uploads, request.env._("Photos of the goods to return."))
            case_sudo.with_user(SUPERUSER_ID).action_submit()
        return case_sudo
