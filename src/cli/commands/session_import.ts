/** `cru session import`. (Stub: being written — see issue 7.) */
import type { Command } from "commander";
import type { OutputSink } from "../output.ts";

export function registerSessionImport(_session: Command, _sink: OutputSink): void {}
