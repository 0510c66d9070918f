// The inline style sheet and script every report page carries, so a page works from a file, an
// archive or a mail attachment with no network. The script stays free of `<` and `&` so that the
// page remains well-formed XML as well as HTML.

enum ReportAssets {
    static let style = """
    :root { --bg: #fafafa; --fg: #1d1d1f; --muted: #6b6b70; --card: #ffffff; --line: #e2e2e6; }
    @media (prefers-color-scheme: dark) {
      :root { --bg: #161618; --fg: #ececef; --muted: #9a9aa2; --card: #1f1f22; --line: #333338; }
    }
    * { box-sizing: border-box; }
    body { margin: 0; padding: 24px 32px 48px; background: var(--bg); color: var(--fg);
           font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
    a { color: inherit; }
    header h1 { font-size: 22px; margin: 0 0 4px; word-break: break-all; }
    header .sub { color: var(--muted); margin: 0 0 6px; word-break: break-all; }
    header .headline { font-size: 16px; margin: 8px 0 16px; }
    nav.crumbs { margin-bottom: 12px; color: var(--muted); }
    .graph { overflow-x: auto; background: var(--card); border: 1px solid var(--line);
             border-radius: 8px; padding: 8px; margin-bottom: 18px; }
    svg.bars text { fill: var(--fg); font-size: 11px; }
    svg.bars text.tick { fill: var(--muted); font-size: 10px; }
    svg.bars text.category { font-size: 12px; font-weight: 600; }
    svg.bars line.grid { stroke: var(--line); }
    svg.bars line.group { stroke-width: 3; }
    svg.chart text { fill: var(--fg); font-size: 11px; }
    svg.chart text.tick { fill: var(--muted); font-size: 10px; }
    svg.chart line.grid { stroke: var(--line); }
    section.extra { margin-bottom: 28px; }
    .controls { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 0 0 14px; }
    .controls button { font: inherit; padding: 4px 12px; border-radius: 14px; cursor: pointer;
                       border: 1px solid var(--line); background: var(--card); color: var(--fg); }
    .controls button[aria-pressed="true"] { background: var(--fg); color: var(--bg); }
    .controls label { margin-left: 12px; color: var(--muted); }
    #units { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 14px; }
    .card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
    .card.hidden { display: none; }
    .card .head { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; margin-bottom: 8px; }
    .card .unit { color: var(--muted); font-variant-numeric: tabular-nums; }
    .card .label { font-weight: 600; font-size: 15px; unicode-bidi: isolate; word-break: break-all; }
    .card .cat { font-size: 12px; padding: 1px 8px; border-radius: 10px; color: #fff; }
    .card .iou { margin-left: auto; font-variant-numeric: tabular-nums; }
    .card.weak .iou { color: var(--muted); }
    .card img { display: block; max-width: 100%; height: auto; border-radius: 4px; }
    .card .noimage { color: var(--muted); font-style: italic; }
    .card .formula { margin: 0 0 8px; unicode-bidi: isolate; word-break: break-word; }
    table.layers { border-collapse: collapse; background: var(--card); }
    table.layers th, table.layers td { text-align: left; padding: 6px 14px; border-bottom: 1px solid var(--line); }
    table.layers td.num { text-align: right; font-variant-numeric: tabular-nums; }
    .mini { display: inline-flex; height: 12px; width: 160px; background: var(--line); border-radius: 3px; overflow: hidden; vertical-align: middle; }
    .mini span { display: block; height: 100%; }
    p.empty, footer { color: var(--muted); }
    footer { margin-top: 28px; font-size: 12px; }
    """

    static let script = """
    (function () {
      var box = document.getElementById('units');
      if (!box) { return; }
      function num(card, key) { return parseFloat(card.getAttribute('data-' + key)); }
      var orders = {
        score: function (a, b) { return (num(b, 'iou') - num(a, 'iou')) || (num(a, 'unit') - num(b, 'unit')); },
        unit: function (a, b) { return num(a, 'unit') - num(b, 'unit'); },
        label: function (a, b) {
          return a.getAttribute('data-label').localeCompare(b.getAttribute('data-label'))
            || (num(b, 'iou') - num(a, 'iou'));
        }
      };
      function sortBy(name) {
        if (!orders[name]) { name = 'score'; }
        var cards = Array.prototype.slice.call(box.children);
        cards.sort(orders[name]);
        cards.forEach(function (card) { box.appendChild(card); });
        Array.prototype.forEach.call(document.querySelectorAll('button[data-sort]'), function (button) {
          button.setAttribute('aria-pressed', String(button.getAttribute('data-sort') === name));
        });
        try { history.replaceState(null, '', '#sort=' + name); } catch (e) { }
      }
      Array.prototype.forEach.call(document.querySelectorAll('button[data-sort]'), function (button) {
        button.addEventListener('click', function () { sortBy(button.getAttribute('data-sort')); });
      });
      var only = document.getElementById('detectors-only');
      function filter() {
        Array.prototype.forEach.call(box.children, function (card) {
          card.classList.toggle('hidden', only.checked ? card.getAttribute('data-detector') !== '1' : false);
        });
      }
      if (only) { only.addEventListener('change', filter); filter(); }
      var match = /sort=(\\w+)/.exec(location.hash);
      sortBy(match ? match[1] : 'score');
    })();
    """
}
