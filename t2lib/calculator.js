// Train-to-Test planning calculator (t2lib/calculator.py embeds this script and its data in chapter 11).
// It only interpolates the allocations that t2lib computed during the build: bilinear in log10 of the budgets,
// on log10 of N, D and k. No optimisation happens here, nothing is fetched: it works from file:// too.
"use strict";

function t2calcParse(text) {
  // A positive number written as 1e24, 1.4e11, 10^24 or 1.4x10^11 (also with × or *). Returns {value} or {error}.
  const s = String(text).trim().replace(/[\s_,]+/g, "");
  if (s === "") return { empty: true };
  const pow = s.match(/^(?:([0-9]*\.?[0-9]+)[x×*])?10\^([+-]?[0-9]+)$/i);
  let value;
  if (pow) {
    value = (pow[1] === undefined ? 1 : Number(pow[1])) * Math.pow(10, Number(pow[2]));
  } else if (/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)(e[+-]?[0-9]+)?$/i.test(s)) {
    value = Number(s);
  } else {
    return { error: "is not a number" };
  }
  if (!Number.isFinite(value)) return { error: "is too large" };
  if (value < 0) return { error: "must not be negative" };
  return { value: value };
}

function t2calcFormat(x) {
  // 3 significant figures, scientific (m × 10ⁿ) outside [1e-3, 1e5), like t2lib.fmt.number.
  if (!Number.isFinite(x)) return "—";
  if (x === 0) return "0";
  const a = Math.abs(x);
  const sign = x < 0 ? "−" : "";
  if (a >= 1e-3 && a < 1e5) {
    const digits = Math.max(2 - Math.floor(Math.log10(a)), 0);
    let t = a.toFixed(digits);
    if (t.indexOf(".") >= 0) t = t.replace(/0+$/, "").replace(/\.$/, "");
    if (a >= 1e4) t = t.replace(/^(\d+)(\d{3})/, "$1 $2");
    return sign + t;
  }
  const parts = a.toExponential(2).split("e");
  let mant = parts[0].replace(/0+$/, "").replace(/\.$/, "");
  const sup = { "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻" };
  const e = String(Number(parts[1])).split("").map(function (c) { return sup[c]; }).join("");
  return sign + (mant === "1" ? "10" + e : mant + " × 10" + e);
}

function t2calcInterp(values, grid, axes, x, y) {
  // Bilinear interpolation of log10 values on a regular log10 grid; null outside the grid.
  const gx = grid[axes[0]];
  const u = (Math.log10(x) - gx[0]) / gx[1];
  const tol = 1e-9;
  if (u < -tol || u > gx[2] - 1 + tol) return null;
  const i = Math.min(Math.max(Math.floor(u), 0), gx[2] - 2);
  const t = u - i;
  if (axes.length === 1) return Math.pow(10, (1 - t) * values[i] + t * values[i + 1]);
  const gy = grid[axes[1]];
  const w = (Math.log10(y) - gy[0]) / gy[1];
  if (w < -tol || w > gy[2] - 1 + tol) return null;
  const j = Math.min(Math.max(Math.floor(w), 0), gy[2] - 2);
  const s = w - j;
  const n = gy[2];
  const z = (1 - t) * (1 - s) * values[i * n + j] + t * (1 - s) * values[(i + 1) * n + j]
    + (1 - t) * s * values[i * n + j + 1] + t * s * values[(i + 1) * n + j + 1];
  return Math.pow(10, z);
}

function t2calcRange(g) {
  return t2calcFormat(Math.pow(10, g[0])) + " to " + t2calcFormat(Math.pow(10, g[0] + g[1] * (g[2] - 1)));
}

function t2calcInit(id) {
  const el = function (name) { return document.getElementById(id + "-" + name); };
  const data = JSON.parse(el("data").textContent);
  const laws = {};
  data.laws.forEach(function (l) { laws[l.key] = l; });
  const names = { ctrain: "The training budget", cinf: "The inference budget", served: "The served-token demand",
    unique: "The number of unique tokens" };

  function fail(message) {
    el("msg").textContent = message;
    el("out").innerHTML = "";
    el("out").setAttribute("data-state", "error");
  }

  function read(name, required) {
    const r = t2calcParse(el(name).value);
    if (r.empty) return required ? { error: names[name] + " is empty: enter a positive number such as 1e24." } : { value: null };
    if (r.error) return { error: names[name] + " " + r.error + " (" + JSON.stringify(el(name).value) + "): enter a positive number such as 1e24." };
    if (r.value === 0 && name !== "served") return { error: names[name] + " must be positive." };
    return { value: r.value };
  }

  function update() {
    const law = laws[el("law").value];
    const ctrain = read("ctrain", true), cinf = read("cinf", false), served = read("served", false);
    const unique = read("unique", true);
    for (const r of [ctrain, cinf, served, unique]) if (r.error) return fail(r.error);
    const demand = served.value !== null && served.value > 0;
    let regime, grid, axes, x, y, table, bandTable;
    const notes = [];
    if (demand) {
      const life = ctrain.value + served.value * (cinf.value === null ? 0 : cinf.value);
      regime = law.kind === "t2" ? "t2-summed" : "sardana";
      table = law.summed; bandTable = law.bands && law.bands.summed ? law.bands.summed : null;
      axes = ["C", "S"]; x = life; y = served.value;
      notes.push("Lifetime budget C_life = C_train + S × C_inf = " + t2calcFormat(life) +
        " FLOPs, re-split between training and inference by the optimiser.");
    } else {
      regime = law.kind === "t2" ? "t2" : "chinchilla";
      table = law.train; bandTable = law.bands && law.bands.train ? law.bands.train : null;
      if (law.kind === "t2") {
        if (cinf.value === null) return fail("This law chooses the number of samples k: enter an inference budget per served token (e.g. 1.4e11).");
        axes = ["C", "Cinf"]; x = ctrain.value; y = cinf.value;
      } else {
        axes = ["C"]; x = ctrain.value; y = null;
        notes.push("No demand given: inference is not counted and k = 1 (enter served tokens for the lifetime frame).");
      }
    }
    const g = data.grid;
    if (t2calcInterp(table.N, g, axes, x, y) === null) {
      const what = axes.map(function (a) { return { C: demand ? "lifetime budget" : "training budget", S: "served tokens", Cinf: "inference budget" }[a] + " " + t2calcRange(g[a]); });
      return fail("Outside the precomputed range (" + what.join("; ") + "): no answer is shown.");
    }
    const val = {};
    ["N", "D", "k"].forEach(function (q) { val[q] = table[q] ? t2calcInterp(table[q], g, axes, x, y) : 1; });
    val.DN = val.D / val.N;
    val.Ctrain = 6 * val.N * val.D;
    val.Cinf = 2 * val.N * val.k;
    const band = {};
    if (bandTable) {
      ["N", "D", "k"].forEach(function (q) {
        if (!bandTable[q + "_lo"]) return;
        const lo = t2calcInterp(bandTable[q + "_lo"], data.band_grid, axes, x, y);
        const hi = t2calcInterp(bandTable[q + "_hi"], data.band_grid, axes, x, y);
        if (lo !== null && hi !== null) band[q] = [lo, hi];
      });
    }
    const rows = [["N", "parameters N"], ["D", "training tokens D"], ["DN", "tokens per parameter D/N"],
      ["k", "samples per served token k"], ["Ctrain", "training FLOPs 6ND"], ["Cinf", "inference FLOPs per served token 2Nk"]];
    if (demand) { val.share = val.Ctrain / (val.Ctrain + served.value * val.Cinf); rows.push(["share", "training share of lifetime FLOPs"]); }
    const pct = Math.round(data.level * 100);
    let html = "<p><b>Regime:</b> " + data.regimes[regime] + "</p><table><tr><th></th><th>value</th>" +
      (bandTable ? "<th>" + pct + "% band</th>" : "") + "</tr>";
    rows.forEach(function (r) {
      const v = val[r[0]];
      const shown = r[0] === "share" ? t2calcFormat(100 * v) + "%" : t2calcFormat(v);
      html += "<tr><td style=\"text-align:left\">" + r[1] + "</td><td id=\"" + id + "-" + r[0] + "\" data-value=\"" + v + "\">" + shown + "</td>";
      if (bandTable) {
        const b = band[r[0]];
        html += b ? "<td id=\"" + id + "-" + r[0] + "-band\" data-lo=\"" + b[0] + "\" data-hi=\"" + b[1] + "\">" + t2calcFormat(b[0]) + " – " + t2calcFormat(b[1]) + "</td>" : "<td></td>";
      }
      html += "</tr>";
    });
    html += "</table>";
    if (law.illustrative) notes.push("This law is ILLUSTRATIVE (made-up parameters), not a fit and not a paper's result.");
    if (val.k < 1) notes.push("k < 1: fewer than one sample per served token; the inference budget cannot pay one forward pass of this model.");
    const U = unique.value;
    if (val.D > U) notes.push("D = " + t2calcFormat(val.D) + " tokens is " + t2calcFormat(val.D / U) +
      " epochs of the " + t2calcFormat(U) + " unique tokens available: repeated data are worth less than fresh data (Muennighoff et al. 2023; chapter 11, \"Data limits\").");
    if (law.fitted_range) {
      Object.keys(law.fitted_range).forEach(function (q) {
        const r = law.fitted_range[q];
        const v = val[q];
        if (v < r[0] || v > r[1]) notes.push(q + " = " + t2calcFormat(v) + " lies outside the range the law was fitted on (" +
          t2calcFormat(r[0]) + " to " + t2calcFormat(r[1]) + "): an extrapolation.");
      });
    }
    if (bandTable) notes.push("Band: " + law.bands.source + " (" + law.bands.n_draws + " draws).");
    else if (law.bands) notes.push("No band in this regime for this law (computed for the other regime only).");
    notes.push("Law: " + law.source);
    html += notes.map(function (n) { return "<p class=\"t2calc-note\">" + n.replace(/&/g, "&amp;").replace(/</g, "&lt;") + "</p>"; }).join("");
    el("msg").textContent = "";
    el("out").innerHTML = html;
    el("out").setAttribute("data-state", "ok");
    el("out").setAttribute("data-regime", regime);
  }

  ["law", "ctrain", "cinf", "served", "unique"].forEach(function (n) {
    el(n).addEventListener("input", update);
    el(n).addEventListener("change", update);
  });
  update();
}
