import { Interaction } from "@web/public/interaction";
import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

// The portal's return form: as the customer fills in quantities, conditions and the reason, each
// line shows what the company's return rules will decide (refund, fee, keep the goods, where to
// send them), before the request is submitted. The server decides, as it will on submission.
export class ReturnPreview extends Interaction {
    static selector = ".o_ccr_return_form";
    dynamicContent = {
        ".o_ccr_qty, .o_ccr_condition, .o_ccr_reason, .o_ccr_exchange, .o_ccr_resolution": { "t-on-change": this.refresh },
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
            const resolution = row.querySelector(".o_ccr_resolution");
            if (quantity && quantity.value) {
                lines[row.dataset.saleLineId] = {
                    quantity: quantity.value,
                    condition: condition ? condition.value : "",
                    exchange: exchange ? exchange.value : "",
                    resolution: resolution ? resolution.value : "",
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
            this.showResolutions(row, outcome);
        }
    }

    // The resolutions the rule lets the customer choose (none: the reason's suggestion), and the
    // exchange variant only when the line is to be exchanged.
    showResolutions(row, outcome) {
        const choices = (outcome && outcome.resolutions) || [];
        const select = row.querySelector(".o_ccr_resolution");
        if (select) {
            select.replaceChildren(
                ...choices.map(({ code, name }) => {
                    const option = document.createElement("option");
                    option.value = code;
                    option.textContent = name;
                    option.selected = code === outcome.resolution;
                    return option;
                })
            );
            select.closest(".o_ccr_resolution_choice").classList.toggle("d-none", choices.length < 2);
        }
        const reason = this.el.querySelector(".o_ccr_reason");
        const suggested = reason.selectedOptions[0]?.dataset.defaultDisposition;
        const resolution = choices.length ? outcome.resolution : suggested;
        const exchange = row.querySelector(".o_ccr_exchange_choice");
        if (exchange) {
            exchange.classList.toggle("d-none", resolution !== "exchange");
        }
    }
}

registry.category("public.interactions").add("customer_complaint_return.return_preview", ReturnPreview);
