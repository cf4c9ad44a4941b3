import { registry } from "@web/core/registry";

// A customer takes store credit instead of the refund the reason suggests, as the return rule allows:
// the line offers the choices, tells the bonus, and the request is submitted with the choice. The
// Python test (tests/test_return_resolution_choice.py) makes the rule and opens the order's form.
registry.category("web_tour.tours").add("customer_complaint_return_portal_return_resolution", {
    steps: () => [
        {
            content: "Return two of the chairs",
            trigger: "tr[data-product='Office Chair'] input.o_ccr_qty",
            run: "edit 2",
        },
        {
            content: "They are damaged",
            trigger: "tr[data-product='Office Chair'] select.o_ccr_condition",
            run: "select damaged",
        },
        {
            content: "Give the reason",
            trigger: "select.o_ccr_reason",
            run: "selectByLabel Defective",
        },
        {
            content: "The reason suggests a refund",
            trigger: "tr[data-product='Office Chair'] .o_ccr_outcome:contains('Refund, reviewed by our team')",
        },
        {
            content: "The rule lets the customer choose: store credit with its bonus",
            trigger: "tr[data-product='Office Chair'] .o_ccr_resolution_choice:not(.d-none) select.o_ccr_resolution",
            run: "selectByLabel Store Credit (+20% bonus)",
        },
        {
            content: "The line tells the outcome of the chosen resolution",
            trigger: "tr[data-product='Office Chair'] .o_ccr_outcome:contains('store credit bonus 20%')",
        },
        {
            content: "Submit the request",
            trigger: "button.o_ccr_submit_return",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The request is received and under review",
            trigger: ".o_ccr_return_submitted",
        },
    ],
});
