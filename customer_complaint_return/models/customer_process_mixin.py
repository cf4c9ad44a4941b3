"""A guarded process: each model's table of state transitions, and the fields only its process writes.

The web client hides readonly fields and buttons, but any internal user can call ``create`` and
``write`` over JSON-RPC. So the rule lives in the model: the actions look their transition up in
the table (from which states, to which state, by which group), and ``create``/``write`` refuse the
state and the process's fields unless they come from an action of the table (``_process_write``)
or from the superuser (the portal, the mail gateway, crons and the warehouse's own flows, which run
as superuser after their own checks).
"""
import math
from typing import NamedTuple

from odoo import api, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command

# The context key of a write made by the process. Its value is a ``ProcessStep``, which JSON-RPC
# cannot produce: a client sending this key in its context gains nothing.
PROCESS_CONTEXT_KEY = 'customer_process_step'


class Transition(NamedTuple):
    """A move of a case's state: ``action`` takes a record from one of ``sources`` to ``target``;
    a user of one of ``groups`` (xml ids) may do it; no group: only the process itself does."""
    action: str
    sources: tuple
    target: str
    groups: tuple


class ProcessStep:
    """The action on whose behalf the process writes (``None``: no change of state)."""
    __slots__ = ('action',)

    def __init__(self, action=None):
        self.action = action


def check_finite_numbers(model, vals):
    """Refuse ``nan`` and infinite values of the number fields in ``vals``, and in the lines it
    creates or updates (JSON-RPC accepts ``NaN``, ``Infinity`` and ``1e309``; PostgreSQL would
    store them, and rounding them crashes)."""
    for name, value in vals.items():
        field = model._fields.get(name)
        if not field:
            continue
        if field.type in ('float', 'monetary', 'integer') and isinstance(value, float) and not math.isfinite(value):
            raise ValidationError(model.env._(
                "%(field)s: %(value)s is not a number.", field=field._description_string(model.env), value=value))
        if field.type in ('one2many', 'many2many') and isinstance(value, (list, tuple)):
            comodel = model.env[field.comodel_name]
            for command in value:
                if isinstance(command, (list, tuple)) and len(command) == 3 and isinstance(command[2], dict) \
                        and command[0] in (Command.CREATE, Command.UPDATE):
                    check_finite_numbers(comodel, command[2])


class CustomerProcessMixin(models.AbstractModel):
    _name = 'customer.process.mixin'
    _description = "Guarded Process"

    # Set by each model: its transitions (``Transition``), and the fields its process writes
    # besides ``state`` and the stored computed or related fields, which nobody writes by hand.
    _state_transitions = ()
    _process_fields = ()

    @api.model
    def _get_process_fields(self):
        """Fields only the process writes: the state, the declared ones, and every stored field
        computed or related without inverse (a related field would otherwise store a value of
        its own, e.g. another product than the order line's)."""
        computed = {name for name, field in self._fields.items()
                    if field.store and field.compute and field.readonly and not field.inverse}
        state = {'state'} if self._state_transitions else set()
        return computed | state | set(self._process_fields)

    def _is_process_write(self):
        return self.env.su or isinstance(self.env.context.get(PROCESS_CONTEXT_KEY), ProcessStep)

    # ------------------------------------------------------------------
    # The guard of create and write
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            check_finite_numbers(self, vals)
        if not self._is_process_write():
            owned = self._get_process_fields()
            self._refuse_process_fields({name for vals in vals_list for name in vals} & owned)
            # Defaults of the context (a kanban column's state...) do not set what the process owns.
            context = {key: value for key, value in self.env.context.items()
                       if not (key.startswith('default_') and key[len('default_'):] in owned)}
            if len(context) != len(self.env.context):
                self = self.with_context(context)
        return super().create(vals_list)

    def write(self, vals):
        check_finite_numbers(self, vals)
        if not self.env.su:
            step = self.env.context.get(PROCESS_CONTEXT_KEY)
            if not isinstance(step, ProcessStep):
                self._refuse_process_fields(vals.keys() & self._get_process_fields())
            elif 'state' in vals:
                self._check_transition_target(step.action, vals['state'])
        return super().write(vals)

    def _refuse_process_fields(self, names):
        if names:
            labels = sorted(str(self._fields[name]._description_string(self.env)) for name in names)
            raise AccessError(self.env._(
                "%(fields)s of %(model)s are set by the process, through its actions: they cannot be written "
                "directly.", fields=", ".join(labels), model=self._description))

    def _check_transition_target(self, action, target):
        """A process write of the state must be the move of its ``action`` from each record's state."""
        for record in self:
            transition = record._find_transition(action)
            if not transition or transition.target != target:
                raise UserError(self.env._(
                    "%(name)s cannot go from status %(current)s to %(target)s this way.",
                    name=record.display_name, current=record._state_label(record.state),
                    target=record._state_label(target)))

    # ------------------------------------------------------------------
    # Transitions
    # ------------------------------------------------------------------
    def _find_transition(self, action):
        """The transition of ``action`` leaving this record's state (None when there is none)."""
        self.ensure_one()
        return next((transition for transition in self._state_transitions
                     if transition.action == action and self.state in transition.sources), None)

    def _state_label(self, state):
        return dict(self._fields['state']._description_selection(self.env)).get(state, state)

    def _check_transition(self, action, action_label):
        """Refuse ``action`` (``action_label`` in messages) where the table has no transition for
        a record's state, or where the user is in none of the transition's groups."""
        wrong = self.filtered(lambda record: not record._find_transition(action))
        if wrong:
            raise UserError(self.env._(
                "%(action)s is not possible for %(names)s in status %(state)s.",
                action=action_label, names=", ".join(wrong.mapped('name')),
                state=", ".join(sorted({str(self._state_label(state)) for state in wrong.mapped('state')}))))
        if self.env.su:
            return
        for transition in {record._find_transition(action) for record in self}:
            if not any(self.env.user.has_group(group) for group in transition.groups):
                raise AccessError(self.env._("You are not allowed to do this: %(action)s.", action=action_label))

    def _process_write(self, vals, action=None):
        """Write ``vals``, fields of the process included, on behalf of ``action`` (its transition
        is checked when ``vals`` moves the state)."""
        return self.with_context(**{PROCESS_CONTEXT_KEY: ProcessStep(action)}).write(vals)

    @api.model
    def _process_create(self, vals_list):
        """Create records whose values include fields of the process; they are returned in the
        caller's environment."""
        records = self.with_context(**{PROCESS_CONTEXT_KEY: ProcessStep()}).create(vals_list)
        return records.with_env(self.env)
