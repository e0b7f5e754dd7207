// Expected to FAIL `deno check` (tests/hook_types_test.ts asserts it does): an
// event:before-append handler must return an event, null or undefined, not a number.
import { definePlugin } from "../../mod.ts";

export default definePlugin({
  name: "wrong-handler",
  setup(ctx) {
    ctx.hook("event:before-append", (event) => event.content.length);
  },
});
