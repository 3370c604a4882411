import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatHelp, parseArgs, suggest, usageLine, type CommandSpec } from "../src/cli/args.js";
import { TegumError } from "../src/errors.js";

const spec = {
  name: "try",
  summary: "A test command.",
  positionals: [{ name: "FILE", description: "input", required: true }, { name: "OUT", description: "output" }],
  flags: {
    json: { type: "boolean", description: "json" },
    help: { type: "boolean", description: "help" },
    layout: { type: "string", choices: ["auto", "features-by-hidden", "hidden-by-features"], default: "auto", description: "layout" },
    tensor: { type: "string", description: "name" },
    "k-max": { type: "int", min: 1, max: 8, description: "k" },
    eps: { type: "number", min: 0, max: 1, open: true, description: "eps" },
    shift: { type: "number", description: "any number" },
    steps: { type: "int", min: 1, default: 100, description: "steps" },
    sparsity: { type: "numbers", min: 0, max: 1, minLength: 1, description: "list" },
    ids: { type: "ints", min: 0, description: "ints" },
    names: { type: "strings", description: "names" },
  },
} as const satisfies CommandSpec;

describe("parseArgs", () => {
  it("parses both value forms, booleans, lists and defaults into typed values", () => {
    const { flags, positionals, given } = parseArgs(
      ["w.npy", "--tensor", "W", "--k-max=3", "--eps", "0.05", "--sparsity", "1,0.3,0.1", "--json", "--ids=0,2,5", "--names", "a,b", "--shift", "-2.5", "out"],
      spec,
    );
    expect(positionals).toEqual(["w.npy", "out"]);
    expect(flags).toEqual({
      json: true, help: false, layout: "auto", tensor: "W", "k-max": 3, eps: 0.05, shift: -2.5, steps: 100,
      sparsity: [1, 0.3, 0.1], ids: [0, 2, 5], names: ["a", "b"],
    });
    expect([...given].sort()).toEqual(["eps", "ids", "json", "k-max", "names", "shift", "sparsity", "tensor"]);
    // Type-level: defaulted values are not optional.
    const layout: "auto" | "features-by-hidden" | "hidden-by-features" = flags.layout;
    const steps: number = flags.steps;
    expect([layout, steps]).toEqual(["auto", 100]);
  });

  it("handles --no-flag, --flag=false, -h, -- and negative numbers as positionals", () => {
    expect(parseArgs(["f", "--no-json"], spec).flags.json).toBe(false);
    expect(parseArgs(["f", "--json=true"], spec).flags.json).toBe(true);
    expect(parseArgs(["-h"], spec).flags.help).toBe(true); // help skips the positional check
    expect(parseArgs(["--", "--json", "-x"], spec).positionals).toEqual(["--json", "-x"]);
    expect(parseArgs(["-1", "-"], spec).positionals).toEqual(["-1", "-"]);
  });

  const bad: [string, string[], RegExp][] = [
    ["an unknown flag, suggesting the nearest and listing all", ["f", "--layot", "auto"], /unknown flag --layot for tegum try — did you mean --layout\?; valid flags: --json, --help, --layout, --tensor, --k-max/],
    ["an unknown flag without a near one", ["f", "--zzzzzz"], /unknown flag --zzzzzz for tegum try; valid flags:/],
    ["an unknown short option", ["f", "-x"], /unknown option -x/],
    ["a missing value", ["f", "--tensor"], /--tensor needs a value/],
    ["a flag where a value belongs", ["f", "--tensor", "--json"], /--tensor needs a value/],
    ["a choice not offered", ["f", "--layout", "nm"], /--layout must be one of auto, features-by-hidden, hidden-by-features, got "nm"/],
    ["a non-number", ["f", "--eps", "abc"], /--eps got "abc", not a number \(a number in \(0, 1\)\)/],
    ["a number out of an open range", ["f", "--eps", "1"], /--eps got 1, out of range \(a number in \(0, 1\)\)/],
    ["an integer out of range", ["f", "--k-max", "9"], /--k-max got 9, out of range \(an integer in \[1, 8\]\)/],
    ["a fractional integer", ["f", "--k-max", "2.5"], /--k-max got "2.5", not an integer/],
    ["Infinity", ["f", "--shift", "Infinity"], /not a number/],
    ["hex", ["f", "--shift", "0x10"], /not a number/],
    ["an empty list entry", ["f", "--sparsity", "1,,0.1"], /--sparsity got "1,,0.1", with an empty entry/],
    ["a list entry out of range", ["f", "--sparsity", "0.5,2"], /--sparsity got 2, out of range/],
    ["a repeated flag", ["f", "--json", "--json"], /--json was given twice/],
    ["a value for a switch", ["f", "--json=yes"], /--json is a switch/],
    ["a value for --no-", ["f", "--no-json=1"], /--no-json takes no value/],
    ["a missing positional", [], /tegum try needs FILE \(usage: tegum try FILE \[OUT\] \[flags\]\)/],
    ["a stray positional", ["a", "b", "c"], /unexpected argument "c" for tegum try/],
    ["--no- on a non-switch", ["f", "--no-tensor"], /unknown flag --no-tensor/],
    ["a prototype key", ["f", "--constructor", "x"], /unknown flag --constructor/],
  ];
  for (const [what, argv, message] of bad) {
    it(`rejects ${what}`, () => {
      expect(() => parseArgs(argv, spec)).toThrow(TegumError);
      expect(() => parseArgs(argv, spec)).toThrow(message);
    });
  }

  it("never throws anything but TegumError on random argument lists", () => {
    const token = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom("--json", "--layout", "--eps", "--sparsity", "--k-max=", "--", "-h", "--no-json", "-1", "1,2", "0.5", "auto", "--ids", "--names"),
    );
    fc.assert(fc.property(fc.array(token, { maxLength: 8 }), (argv) => {
      try {
        parseArgs(argv, spec);
      } catch (e) {
        if (!(e instanceof TegumError)) throw e;
      }
    }), { numRuns: 3000 });
  });

  it("formats help with types, ranges, choices and defaults", () => {
    const help = formatHelp(spec);
    expect(help).toContain("Usage: tegum try FILE [OUT] [flags]");
    expect(help).toMatch(/--k-max N\s+k \(in \[1, 8\]\)/);
    expect(help).toMatch(/--layout auto\|features-by-hidden\|hidden-by-features\s+layout \[auto\|features-by-hidden\|hidden-by-features\] \(default auto\)/);
    expect(help).toMatch(/--eps X\s+eps \(in \(0, 1\)\)/);
    expect(usageLine({ name: "x", summary: "", positionals: [], flags: {} })).toBe("tegum x");
    expect(suggest("anlyze", ["demo", "analyze", "train"])).toBe("analyze");
    expect(suggest("zzz", ["demo", "analyze"])).toBeUndefined();
  });
});
