/** `cru session cleanup`. (Stub: being written — see issue 6.) */
import type { Command } from "commander";
import type { OutputSink } from "../output.ts";

export function registerSessionCleanup(_session: Command, _sink: OutputSink): void {}
