import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

// The portal's return form: as the customer fills in quantities, conditions and the reason, each
// line shows what the company's return rules will decide (refund, fee, keep the goods, where to
// send them), before the request is submitted. The server decides, as it will on submission.
export class ReturnPreview extends Interaction {
    static selector = ".o_ccr_return_form";
    dynamicContent = {
        ".o_ccr_qty, .o_ccr_condition, .o_ccr_reason, .o_ccr_exchange": { "t-on-change": this.refresh },
    };

    async willStart() {
        await this.refresh();
    }

    collect() {
        const lines = {};
        for (const row of this.el.querySelectorAll("tr.o_ccr_return_line")) {
            const quantity = row.querySelector(".o_ccr_qty");
            const condition = row.querySelector(".o_ccr_condition");
            const exchange = row.querySelector(".o_ccr_exchange");
            if (quantity && quantity.value) {
                lines[row.dataset.saleLineId] = {
                    quantity: quantity.value,
                    condition: condition ? condition.value : "",
                    exchange: exchange ? exchange.value : "",
                };
            }
        }
        return {
            order_id: this.el.querySelector("input[name='order_id']").value,
            reason_id: this.el.querySelector(".o_ccr_reason").value,
            lines,
        };
    }

    async refresh() {
        const outcomes = await this.waitFor(rpc("/my/returns/preview", this.collect()));
        for (const row of this.el.querySelectorAll("tr.o_ccr_return_line")) {
            const cell = row.querySelector(".o_ccr_outcome");
            const outcome = outcomes[row.dataset.saleLineId];
            cell.textContent = outcome ? outcome.summary : "";
            cell.classList.toggle("text-danger", Boolean(outcome && outcome.refused));
            cell.classList.toggle("text-success", Boolean(outcome && !outcome.refused));
        }
    }
}

registry.category("public.interactions").add("customer_complaint_return.return_preview", ReturnPreview);
