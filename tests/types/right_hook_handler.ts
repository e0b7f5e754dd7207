// The twin of wrong_hook_handler.ts with a handler of the right type: it must pass `deno check`.
import { definePlugin } from "../../mod.ts";

export default definePlugin({
  name: "right-handler",
  setup(ctx) {
    ctx.hook("event:before-append", (event) => ({ ...event, content: String(event.content.length) }));
  },
});
