/// The web UI's one stylesheet and one script, served from `/ui/static/` (the Content-Security-Policy
/// allows no inline style or script). The script only enhances: every page works without it.
enum UIAssets {
    /// `/ui/static/app.css`: system fonts, readable on a phone and a laptop; colours pass WCAG AA on
    /// their backgrounds, and every state colour comes with its word.
    static let css = """
        :root{--fg:#1c2430;--muted:#4f5b6a;--bg:#f6f7f9;--card:#fff;--line:#d5dae1;--accent:#0b5cad;
        --ok-bg:#e3f4e8;--ok:#155d2b;--bad-bg:#fde8e8;--bad:#9b1c1c;--busy-bg:#fff4d6;--busy:#7a4b00;--n-bg:#eceff3;--n:#3a4350}
        *{box-sizing:border-box}
        body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
        a{color:var(--accent)}
        a:focus,button:focus,input:focus,select:focus{outline:3px solid #f5a623;outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px;z-index:2}
        .top{display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px;padding:8px 16px;background:#13263d;color:#fff}
        .top a{color:#fff;text-decoration:none}.brand{font-weight:700;font-size:1.1rem}
        .top ul{display:flex;flex-wrap:wrap;gap:4px 14px;list-style:none;margin:0;padding:0}
        .top nav a{padding:4px 2px;border-bottom:2px solid transparent}.top nav a[aria-current=page]{border-bottom-color:#f5a623}
        .who{margin-left:auto;display:flex;flex-wrap:wrap;align-items:center;gap:8px}.who label{color:#dfe6ee}
        .who button{background:#2a4566;color:#fff;border-color:#5b7899}
        main{max-width:1100px;margin:0 auto;padding:16px}
        h1{font-size:1.6rem;margin:.4em 0}h2{font-size:1.2rem;margin:1.2em 0 .5em}h3{font-size:1rem;margin:.3em 0}
        .card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin:12px 0}
        .narrow{max-width:420px;margin:40px auto}
        .stack{display:flex;flex-direction:column;gap:6px;max-width:420px}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:10px;align-items:end}.grid .wide{grid-column:span 2}
        .grid label,.grid input,.grid select{display:block;width:100%}
        .filters{display:flex;flex-wrap:wrap;align-items:center;gap:6px 10px;margin:10px 0}
        .inline{display:inline-flex;align-items:center;gap:6px;margin:0}
        input,select,button{font:inherit;padding:6px 10px;border:1px solid #8a94a3;border-radius:6px;background:#fff;color:var(--fg)}
        button{cursor:pointer;background:#eef1f5}button.primary{background:var(--accent);color:#fff;border-color:var(--accent)}
        button.danger{background:#fff;color:var(--bad);border-color:var(--bad)}
        table{border-collapse:collapse;width:100%;background:var(--card)}.scroll{overflow-x:auto}
        th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}th{font-size:.85rem;color:var(--muted)}
        .badge{display:inline-block;padding:0 8px;border-radius:10px;font-size:.85rem;font-weight:600;background:var(--n-bg);color:var(--n)}
        .badge::before{content:"● "}.ok{background:var(--ok-bg);color:var(--ok)}.bad{background:var(--bad-bg);color:var(--bad)}
        .busy{background:var(--busy-bg);color:var(--busy)}.neutral{background:var(--n-bg);color:var(--n)}
        .bad.badge::before{content:"✕ "}.ok.badge::before{content:"✓ "}.busy.badge::before{content:"◔ "}
        .badge,time,td strong{white-space:nowrap}
        .label{display:inline-block;padding:0 6px;border:1px solid var(--line);border-radius:4px;font-size:.85rem;background:#fff}
        .flash{padding:8px 12px;border-radius:6px}.hint,.empty{color:var(--muted)}.hint{font-size:.9rem}
        .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px;list-style:none;padding:0}
        .tiles li{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}.tiles a{text-decoration:none;color:inherit}
        .tiles strong{font-size:1.8rem;display:block}
        pre{background:#0f1720;color:#e6edf3;padding:10px;border-radius:6px;overflow:auto;max-height:420px;white-space:pre-wrap;word-break:break-word}
        pre.err{background:#2a1414}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
        .task{border-top:1px solid var(--line);padding:6px 0}
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        @media (max-width:640px){body{font-size:15px}.grid .wide{grid-column:auto}.who{margin-left:0}th,td{padding:4px}}
        """

    /// `/ui/static/app.js`: live job output over server-sent events, copy buttons, confirmations.
    static let js = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          document.querySelectorAll("form[data-confirm]").forEach(function (form) {
            form.addEventListener("submit", function (e) { if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); } });
          });
          document.querySelectorAll("button[data-copy]").forEach(function (button) {
            button.addEventListener("click", function () {
              var text = document.getElementById(button.dataset.copy).textContent;
              if (navigator.clipboard) { navigator.clipboard.writeText(text).then(function () { button.textContent = "Copied"; }); }
            });
          });
          var live = document.getElementById("live");
          if (!live || live.dataset.final === "true" || !window.EventSource) { return; }
          var log = document.getElementById("live-log"), state = document.getElementById("live-state");
          var status = document.getElementById("job-status");
          var source = new EventSource(live.dataset.events);
          state.textContent = "Streaming live…";
          source.addEventListener("output", function (e) {
            var chunk = JSON.parse(e.data);
            log.textContent += "[" + chunk.node + "] " + chunk.text + (chunk.text.endsWith("\\n") ? "" : "\\n");
          });
          source.addEventListener("job", function (e) {
            var event = JSON.parse(e.data);
            if (event.kind) { state.textContent = "Live: " + String(event.kind).replace(/_/g, " "); }
          });
          source.addEventListener("end", function (e) {
            source.close();
            var job = JSON.parse(e.data);
            status.textContent = job.status;
            status.className = "badge " + (job.status === "succeeded" ? "ok" : job.status === "failed" ? "bad" : "busy");
            state.textContent = "The job is finished: " + job.status + ". Reloading for each node's result…";
            window.setTimeout(function () { window.location.reload(); }, 1500);
          });
          source.onerror = function () { if (source.readyState === EventSource.CLOSED) { state.textContent = "The stream closed."; } };
        });
        """
}
