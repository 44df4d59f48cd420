// plotly.js works out, for every trace of a figure at every Plotly.react and Plotly.animate step, which
// of the trace's attributes hold arrays (PlotSchema.findArrayAttributes): it walks the whole attribute
// schema of the trace's type each time. On the app's chart (24 traces) that walk was 18-27 ms of an η key
// press's ~75 ms of script. Its answer depends only on the trace's type and on where the trace holds
// arrays, so the player keeps each answer under that key and hands back a copy; plotly.js is unchanged.

function arrayShape(value, path, out, depth = 0) {
  // the paths under value that hold an array (and the plain objects inside arrays), as findArrayAttributes
  // reads them; the keys plotly.js keeps for itself (_module, _input, ...) are left out
  if (depth > 8) return out; // deeper than any trace attribute
  for (const key of Object.keys(value)) {
    if (key[0] === '_') continue;
    const v = value[key];
    if (Array.isArray(v) || ArrayBuffer.isView(v)) {
      out.push(`${path}${key}[${v.length}]`);
      if (Array.isArray(v)) v.forEach((item, i) => isPlain(item) && arrayShape(item, `${path}${key}[${i}].`, out, depth + 1));
    } else if (isPlain(v)) {
      arrayShape(v, `${path}${key}.`, out, depth + 1);
    }
  }
  return out;
}

function isPlain(v) {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

function rememberArrayAttributes(Plotly) {
  // once per page: findArrayAttributes answered from memory for a trace of a shape seen before
  const schema = Plotly.PlotSchema;
  if (!schema || schema.findArrayAttributes.original) return;
  const original = schema.findArrayAttributes;
  const known = new Map();
  const remembered = (trace) => {
    const key = `${trace.type}|${arrayShape(trace, '', []).join(',')}`;
    if (!known.has(key)) {
      if (known.size > 2000) known.clear(); // a bound: shapes are few (a figure's traces, a few figures)
      known.set(key, original(trace));
    }
    return known.get(key).slice();
  };
  remembered.original = original;
  schema.findArrayAttributes = remembered;
}
