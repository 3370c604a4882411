// A small strict flag parser for the CLI: `--flag value` and `--flag=value`, booleans (`--flag`,
// `--no-flag`, `--flag=true|false`), typed values with ranges (int, number, one of a set), lists
// (`--sparsity 1,0.3,0.1`), `--` to end the flags. Unknown flags, missing or malformed values, repeats
// and stray arguments are a TegumError with one clear message (the CLI turns it into exit code 2).
import { TegumError } from "../errors.js";

interface Common {
  description: string;
  /** Shown in help as `--flag PLACEHOLDER`. */
  placeholder?: string;
}
export type FlagSpec = Common &
  (
    | { type: "boolean" }
    | { type: "string"; choices?: readonly string[]; default?: string }
    | { type: "int"; min?: number; max?: number; default?: number }
    | { type: "number"; min?: number; max?: number; /** Exclude the bounds. */ open?: boolean; default?: number }
    | { type: "ints"; min?: number; max?: number; minLength?: number; maxLength?: number }
    | { type: "numbers"; min?: number; max?: number; open?: boolean; minLength?: number; maxLength?: number }
    | { type: "strings"; minLength?: number; maxLength?: number }
  );

export interface Positional {
  name: string;
  description: string;
  required?: boolean;
  /** The last positional only: takes every remaining argument (`SHARDS...`). */
  variadic?: boolean;
}

export interface CommandSpec<F extends Record<string, FlagSpec> = Record<string, FlagSpec>> {
  name: string;
  summary: string;
  positionals: Positional[];
  flags: F;
  /** Extra help text (examples). */
  details?: string;
}

type ValueOf<F> = F extends { type: "boolean" }
  ? boolean
  : F extends { type: "string"; choices: readonly (infer C)[] }
    ? C
    : F extends { type: "string" }
      ? string
      : F extends { type: "int" | "number" }
        ? number
        : F extends { type: "ints" | "numbers" }
          ? number[]
          : string[];

/** Parsed flags: booleans are always set (default false), flags with defaults too, others may be undefined. */
export type Flags<F extends Record<string, FlagSpec>> = {
  [K in keyof F]: F[K] extends { type: "boolean" } ? boolean : F[K] extends { default: unknown } ? ValueOf<F[K]> : ValueOf<F[K]> | undefined;
};

export interface Parsed<F extends Record<string, FlagSpec>> {
  flags: Flags<F>;
  positionals: string[];
  /** Names of the flags given on the command line (not defaulted). */
  given: Set<keyof F & string>;
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i;

/** Parses `argv` (without the command name) against `spec`; throws a TegumError on any misuse. */
export function parseArgs<F extends Record<string, FlagSpec>>(argv: readonly string[], spec: CommandSpec<F>): Parsed<F> {
  const cmd = `tegum ${spec.name}`;
  const flags: Record<string, unknown> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  const names = Object.keys(spec.flags);
  let rest = false;

  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (rest || arg === "-" || !arg.startsWith("-") || NUMBER.test(arg)) {
      positionals.push(arg);
      continue;
    }
    if (arg === "--") {
      rest = true;
      continue;
    }
    if (!arg.startsWith("--")) {
      if (arg === "-h" && "help" in spec.flags) {
        setFlag("help", true);
        continue;
      }
      throw usage(`unknown option ${arg} for ${cmd}`, arg, names);
    }
    const eq = arg.indexOf("=");
    let name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    let inline: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    let negated = false;
    if (!(name in spec.flags) && name.startsWith("no-") && spec.flags[name.slice(3)]?.type === "boolean") {
      name = name.slice(3);
      negated = true;
      if (inline !== undefined) throw new TegumError(`--no-${name} takes no value`, name);
    }
    const f = Object.prototype.hasOwnProperty.call(spec.flags, name) ? spec.flags[name] : undefined;
    if (!f) throw usage(`unknown flag --${name} for ${cmd}`, `--${name}`, names);
    if (f.type === "boolean") {
      if (inline === undefined) setFlag(name, !negated);
      else if (inline === "true" || inline === "false") setFlag(name, inline === "true");
      else throw new TegumError(`--${name} is a switch: give --${name}, --no-${name} or --${name}=true|false, not ${JSON.stringify(inline)}`, name);
      continue;
    }
    if (inline === undefined) {
      const next = argv[k + 1];
      if (next === undefined || (next.startsWith("--") && next.length > 2) || next === "--") {
        throw new TegumError(`--${name} needs a value${placeholderHint(f)}`, name);
      }
      inline = next;
      k++;
    }
    setFlag(name, convert(name, f, inline));
  }

  function setFlag(name: string, value: unknown) {
    if (given.has(name)) throw new TegumError(`--${name} was given twice`, name);
    given.add(name);
    flags[name] = value;
  }

  for (const [name, f] of Object.entries(spec.flags)) {
    if (given.has(name)) continue;
    if (f.type === "boolean") flags[name] = false;
    else if ("default" in f && f.default !== undefined) flags[name] = f.default;
  }

  // Positionals (skipped when asking for help, which must always work).
  if (!flags.help) {
    const variadic = spec.positionals[spec.positionals.length - 1]?.variadic === true;
    const max = variadic ? Infinity : spec.positionals.length;
    if (positionals.length > max) {
      const extra = positionals[max];
      throw new TegumError(
        max === 0 ? `${cmd} takes no arguments, got ${JSON.stringify(extra)}` : `unexpected argument ${JSON.stringify(extra)} for ${cmd} (usage: ${usageLine(spec)})`,
        "argument",
      );
    }
    spec.positionals.forEach((p, i) => {
      if (p.required && positionals[i] === undefined) throw new TegumError(`${cmd} needs ${p.name} (usage: ${usageLine(spec)})`, p.name);
    });
  }
  return { flags: flags as Flags<F>, positionals, given: given as Set<keyof F & string> };
}

function placeholderHint(f: FlagSpec): string {
  switch (f.type) {
    case "string": return f.choices ? ` (one of ${f.choices.join(", ")})` : f.placeholder ? ` (${f.placeholder})` : "";
    case "int": return ` (an integer${range(f.min, f.max)})`;
    case "number": return ` (a number${range(f.min, f.max, f.open)})`;
    case "ints": return ` (comma-separated integers${range(f.min, f.max)})`;
    case "numbers": return ` (comma-separated numbers${range(f.min, f.max, f.open)})`;
    case "strings": return " (comma-separated names)";
    default: return "";
  }
}

function range(min?: number, max?: number, open = false): string {
  if (min === undefined && max === undefined) return "";
  const lo = min === undefined ? "(−∞" : `${open ? "(" : "["}${min}`;
  const hi = max === undefined ? "∞)" : `${max}${open ? ")" : "]"}`;
  return ` in ${lo}, ${hi}`;
}

function convert(name: string, f: FlagSpec, raw: string): unknown {
  const bad = (what: string): never => {
    throw new TegumError(`--${name} ${what}${placeholderHint(f)}`, name);
  };
  const num = (s: string, integer: boolean, min?: number, max?: number, open = false): number => {
    if (!NUMBER.test(s.trim())) bad(`got ${JSON.stringify(s)}, not a number`);
    const v = Number(s);
    if (!Number.isFinite(v)) bad(`got ${JSON.stringify(s)}, which is not finite`);
    if (integer && !Number.isSafeInteger(v)) bad(`got ${JSON.stringify(s)}, not an integer`);
    if (min !== undefined && (open ? v <= min : v < min)) bad(`got ${s}, out of range`);
    if (max !== undefined && (open ? v >= max : v > max)) bad(`got ${s}, out of range`);
    return v;
  };
  const list = (minLength = 1, maxLength = 100_000): string[] => {
    const parts = raw.split(",").map((s) => s.trim());
    if (raw.trim() === "" || parts.some((s) => s === "")) bad(`got ${JSON.stringify(raw)}, with an empty entry`);
    if (parts.length < minLength) bad(`needs at least ${minLength} entries, got ${parts.length}`);
    if (parts.length > maxLength) bad(`takes at most ${maxLength} entries, got ${parts.length}`);
    return parts;
  };
  switch (f.type) {
    case "string":
      if (f.choices && !f.choices.includes(raw)) bad(`must be one of ${f.choices.join(", ")}, got ${JSON.stringify(raw)}`);
      if (raw === "") bad("must not be empty");
      return raw;
    case "int": return num(raw, true, f.min, f.max);
    case "number": return num(raw, false, f.min, f.max, f.open);
    case "ints": return list(f.minLength, f.maxLength).map((s) => num(s, true, f.min, f.max));
    case "numbers": return list(f.minLength, f.maxLength).map((s) => num(s, false, f.min, f.max, f.open));
    case "strings": return list(f.minLength, f.maxLength);
    default: return bad("has an unknown type");
  }
}

/** The candidate closest to `word` by edit distance, if close enough to be a likely typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const near = candidates.map((n) => [n, distance(word, n)] as const).filter(([n, d]) => d <= Math.max(1, Math.floor(n.length / 3))).sort((a, b) => a[1] - b[1]);
  return near[0]?.[0];
}

function usage(message: string, given: string, names: string[]): TegumError {
  const bare = given.replace(/^-+/, "");
  const near = suggest(bare, names);
  const hint = near ? ` — did you mean --${near}?` : "";
  const valid = names.length ? `; valid flags: ${names.map((n) => `--${n}`).join(", ")}` : "; it takes no flags";
  return new TegumError(`${message}${hint}${valid}`, bare);
}

/** Levenshtein distance (short strings only). */
function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 64 || b.length > 64) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** `tegum analyze FILE [flags]`. */
export function usageLine(spec: CommandSpec): string {
  const pos = spec.positionals.map((p) => (p.required ? p.name : `[${p.name}]`) + (p.variadic ? "..." : "")).join(" ");
  return `tegum ${spec.name}${pos ? " " + pos : ""}${Object.keys(spec.flags).length ? " [flags]" : ""}`;
}

/** Help text for a command: usage, arguments, flags with types, ranges and defaults. */
export function formatHelp(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, "", `Usage: ${usageLine(spec)}`];
  if (spec.positionals.length) {
    lines.push("", "Arguments:");
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(24)}${p.description}`);
  }
  const entries = Object.entries(spec.flags);
  if (entries.length) {
    lines.push("", "Flags:");
    for (const [name, f] of entries) {
      const left = `  --${name}${f.type === "boolean" ? "" : " " + (f.placeholder ?? typeWord(f))}`;
      const def = "default" in f && f.default !== undefined ? ` (default ${f.default})` : "";
      const choices = f.type === "string" && f.choices ? ` [${f.choices.join("|")}]` : "";
      const r = f.type === "int" || f.type === "ints" ? range(f.min, f.max) : f.type === "number" || f.type === "numbers" ? range(f.min, f.max, f.open) : "";
      lines.push(`${left.padEnd(26)} ${f.description}${choices}${r ? ` (${r.trim()})` : ""}${def}`);
    }
  }
  if (spec.details) lines.push("", spec.details);
  return lines.join("\n") + "\n";
}

function typeWord(f: FlagSpec): string {
  switch (f.type) {
    case "int": return "N";
    case "number": return "X";
    case "ints": return "N,N,…";
    case "numbers": return "X,X,…";
    case "strings": return "A,B,…";
    case "string": return f.choices ? f.choices.join("|") : "VALUE";
    default: return "";
  }
}
