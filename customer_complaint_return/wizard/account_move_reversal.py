from odoo import models

# Context key of a return crediting its goods: {invoice id: values of its credit note}.
REVERSAL_VALUES_CONTEXT_KEY = 'customer_return_reversal_values'


class AccountMoveReversal(models.TransientModel):
    _inherit = 'account.move.reversal'

    def _prepare_default_reversal(self, move):
        # A return credits only its goods: the reversal gets those lines instead of all the
        # invoice's, and the link to the case; the rest of the reversal (and what other modules
        # add to it) is Odoo's.
        values = super()._prepare_default_reversal(move)
        values.update(self.env.context.get(REVERSAL_VALUES_CONTEXT_KEY, {}).get(move.id, {}))
        return values
