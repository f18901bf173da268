(() => {
  "use strict";
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const body = document.body;
  body.classList.add("js");
  const bar = document.getElementById("bar");
  const setBar = () => document.documentElement.style.setProperty("--bar", bar.offsetHeight + "px");
  setBar();
  window.addEventListener("resize", setBar);

  const rank = { error: 2, warning: 1, info: 0 };
  const items = new Map($$("li.finding").map((li) => [li.dataset.f, li]));
  const marks = $$("mark[data-f]");
  const fidsOf = new Map(marks.map((m) => [m, m.dataset.f.split(" ")]));
  const marksOf = new Map();
  marks.forEach((m) => fidsOf.get(m).forEach((f) => {
    if (!marksOf.has(f)) marksOf.set(f, []);
    marksOf.get(f).push(m);
  }));
  const hitLines = $$(".ln.hit").map((line) => [line, $$("mark[data-f]", line)]);
  const letters = $$("article.letter");
  const points = $$("#glance a.pt")
    .map((a) => [a, document.getElementById("letter-" + a.dataset.letter)]);
  const rows = new Map($$("#summary-table tbody tr").map((r) => [r.dataset.letter, r]));
  const query = document.getElementById("q");
  const shown = document.getElementById("shown");
  const form = document.getElementById("filters");
  const ticked = (name) => new Set(
    $$('input[name="' + name + '"]').filter((b) => b.checked).map((b) => b.value));

  function apply() {
    const sevs = ticked("sev");
    const codes = ticked("rule");
    const q = query.value.trim().toLowerCase();
    const rulesNarrowed = $$('input[name="rule"]').some((b) => !b.checked);
    const narrowed = rulesNarrowed || $$('input[name="sev"]').some((b) => !b.checked);
    items.forEach((li) => {
      li.hidden = !(sevs.has(li.dataset.sev) && codes.has(li.dataset.code));
    });
    marks.forEach((m) => {
      const on = fidsOf.get(m).map((f) => items.get(f)).filter((li) => li && !li.hidden);
      m.classList.toggle("off", on.length === 0);
      m.tabIndex = on.length ? 0 : -1;
      if (on.length) {
        const top = on.map((li) => li.dataset.sev).sort((a, b) => rank[b] - rank[a])[0];
        m.classList.remove("sev-error", "sev-warning", "sev-info");
        m.classList.add("sev-" + top);
      }
    });
    hitLines.forEach(([line, inLine]) => {
      const sevs = inLine.filter((m) => !m.classList.contains("off"))
        .map((m) => ["error", "warning", "info"].find((s) => m.classList.contains("sev-" + s)));
      const top = sevs.sort((a, b) => rank[b] - rank[a])[0];
      line.classList.remove("hit", "hit-error", "hit-warning", "hit-info");
      if (top) line.classList.add("hit", "hit-" + top);
    });
    let nLetters = 0;
    let nFindings = 0;
    letters.forEach((a) => {
      const total = Number(a.dataset.findings);
      const visible = $$("li.finding", a).filter((li) => !li.hidden).length;
      // A letter that could not be read counts as an error of no rule (clean letters have
      // no section: they are counted, and listed, in the summary).
      let on = visible > 0;
      if (a.dataset.status === "unreadable") on = sevs.has("error") && !rulesNarrowed;
      else if (total === 0) on = !narrowed;
      if (q && !a.dataset.path.toLowerCase().includes(q)) on = false;
      a.hidden = !on;
      const row = rows.get(a.dataset.letter);
      if (row) row.hidden = !on;
      const count = a.querySelector(".n-shown");
      if (count) {
        count.textContent = "(" + (visible === total ? total : visible + " of " + total) + ")";
      }
      if (on) { nLetters += 1; nFindings += visible; }
    });
    // The plot's points of letters the filters hide are dimmed (still there, still links);
    // a clean letter (in the list of clean letters) is hidden while a filter narrows the view.
    points.forEach(([a, letter]) => a.classList.toggle("off", !letter || letter.hidden
      || (letter.tagName === "LI" && (narrowed
        || (q && !letter.dataset.path.toLowerCase().includes(q))))));
    shown.textContent = "Showing " + nLetters + " of " + letters.length + " letters, "
      + nFindings + " of " + items.size + " findings";
  }

  let timer = 0;
  function flash(fid) {
    $$(".flash").forEach((el) => el.classList.remove("flash"));
    void body.offsetWidth;
    (marksOf.get(fid) || []).forEach((m) => m.classList.add("flash"));
    const li = items.get(fid);
    if (li) {
      li.classList.add("flash");
      (li.dataset.rel || "").split(" ").filter(Boolean).forEach((id) => {
        const line = document.getElementById(id);
        if (line) line.classList.add("flash");
      });
    }
    clearTimeout(timer);
    timer = setTimeout(() => $$(".flash").forEach((el) => el.classList.remove("flash")), 2200);
  }

  function goTo(fid) {
    const first = (marksOf.get(fid) || [])[0];
    if (first) {
      // An instant jump: a smooth scroll aims at a place computed from the estimated sizes
      // of letters not yet laid out, and those change on the way. Centred again once laid out.
      first.scrollIntoView({ block: "center" });
      requestAnimationFrame(() => first.scrollIntoView({ block: "center" }));
      first.focus({ preventScroll: true });
    }
    flash(fid);
  }

  const pop = document.getElementById("pop");
  let popFor = null;
  function closePop() {
    if (pop.hidden) return;
    pop.hidden = true;
    pop.replaceChildren();
    if (popFor) popFor.focus({ preventScroll: true });
    popFor = null;
  }
  function openPop(m) {
    const visible = fidsOf.get(m).map((f) => items.get(f)).filter((li) => li && !li.hidden);
    if (!visible.length) return;
    pop.replaceChildren();
    const close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.setAttribute("aria-label", "Close");
    close.textContent = "\u00d7";
    pop.append(close);
    visible.forEach((li) => {
      const box = document.createElement("div");
      box.className = "pop-item";
      box.append(li.querySelector(".head").cloneNode(true));
      box.append(li.querySelector(".detail").cloneNode(true));
      pop.append(box);
      li.classList.add("flash");
    });
    pop.hidden = false;
    popFor = m;
    const r = m.getBoundingClientRect();
    const width = pop.offsetWidth;
    const right = window.scrollX + document.documentElement.clientWidth - width - 8;
    pop.style.left = Math.max(8, Math.min(r.left + window.scrollX, right)) + "px";
    pop.style.top = (r.bottom + window.scrollY + 6) + "px";
    close.focus({ preventScroll: true });
  }

  document.addEventListener("click", (ev) => {
    const t = ev.target;
    if (!(t instanceof Element)) return;
    if (t.closest("#pop")) {
      if (t.closest(".close")) closePop();
      return;
    }
    const m = t.closest("mark[data-f]");
    if (m && !m.classList.contains("off")) { ev.preventDefault(); openPop(m); return; }
    closePop();
    const li = t.closest("li.finding");
    if (li && !t.closest(".detail a")) { ev.preventDefault(); goTo(li.dataset.f); }
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") { closePop(); return; }
    const t = ev.target;
    const key = ev.key === "Enter" || ev.key === " ";
    if (key && t instanceof Element && t.matches("mark[data-f]")) {
      ev.preventDefault();
      openPop(t);
    }
  });

  form.addEventListener("submit", (ev) => ev.preventDefault());
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  $$("button[data-rules]").forEach((b) => b.addEventListener("click", () => {
    $$('input[name="rule"]').forEach((box) => { box.checked = b.dataset.rules === "all"; });
    apply();
  }));

  const tbody = document.querySelector("#summary-table tbody");
  const statusRank = {
    "has-errors": 0, unreadable: 1, "has-warnings": 2, "has-notes": 3, clean: 4,
  };
  $$("#summary-table th button[data-sort]").forEach((b) => b.addEventListener("click", () => {
    const key = b.dataset.sort;
    const first = key === "path" ? "asc" : "desc";
    const dir = b.dataset.dir ? (b.dataset.dir === "asc" ? "desc" : "asc") : first;
    $$("#summary-table th button").forEach((o) => { delete o.dataset.dir; });
    b.dataset.dir = dir;
    const value = (r) => key === "path" ? r.dataset.path.toLowerCase()
      : key === "status" ? -statusRank[r.dataset.status] : Number(r.dataset[key]);
    const sorted = Array.from(tbody.rows).sort((x, y) => {
      const a = value(x);
      const c = value(y);
      if (a === c) return Number(x.dataset.order) - Number(y.dataset.order);
      return (a < c ? -1 : 1) * (dir === "asc" ? 1 : -1);
    });
    tbody.append(...sorted);
  }));

  apply();
  body.dataset.ready = "true";
})();
