import { registry } from "@web/core/registry";

// A customer requests a return on the portal: from the returns list, through the order, to the
// submitted request. The Python test (tests/test_portal_tour.py) delivers the order first.
registry.category("web_tour.tours").add("customer_complaint_return_portal_return_request", {
    url: "/my/returns",
    steps: () => [
        {
            content: "Start a return request from the list of returns",
            trigger: "a.o_ccr_request_return",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose the delivered order",
            trigger: "a.o_ccr_choose_order",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The return conditions are shown before submitting",
            trigger: ".o_ccr_return_conditions",
        },
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
            content: "The line tells what will happen before submitting",
            trigger: "tr[data-product='Office Chair'] .o_ccr_outcome.text-success:contains('reviewed by our team')",
        },
        {
            content: "Describe the problem",
            trigger: "textarea#ccr_return_description",
            run: "edit The legs bend under load.",
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
        {
            content: "Its line is listed with the requested quantity",
            trigger: ".o_ccr_return_lines td:contains('Office Chair')",
        },
        {
            content: "Write to customer service in the portal chatter",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit When will the courier come?",
        },
        {
            content: "Send it",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is in the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message-body:contains(When will the courier come?)",
        },
    ],
});
