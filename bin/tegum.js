#!/usr/bin/env node
// The `tegum` command (package.json "bin"): the CLI lives in dist/cli/main.js.
import { run } from "../dist/cli/main.js";

process.exitCode = await run(process.argv.slice(2));
