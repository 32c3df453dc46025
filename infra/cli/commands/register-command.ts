import type { Command } from "commander";

/** What each command module exports: adds its command (with options and action) to the program. */
export type RegisterCommand = (program: Command) => void;
