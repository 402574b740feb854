/**
 * The stylesheet of report.html, inlined verbatim and allowed by its hash in the CSP. Light and dark follow
 * `prefers-color-scheme`; below 720 px everything stacks and wide tables scroll inside their own box, so the
 * page itself never scrolls sideways; print shows the overview, the rule and framework views, and no controls.
 */
export const HTML_CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#57606a;--bg:#fff;--line:#d0d7de;--soft:#f6f8fa;--card:#fff;--hover:#eef4ff;--link:#0b57d0;
--crit:#7b1fa2;--high:#c62828;--med:#e65100;--low:#b28704;--info:#546e7a;--ok:#2e7d32;--warn:#b26a00;--new:#1565c0;--focus:#1565c0;
--fail-bg:#fdecea;--warn-bg:#fff4e0;--ok-bg:#e8f5e9}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0d1117;--line:#30363d;--soft:#161b22;--card:#0f141b;--hover:#1c2430;--link:#7cb3ff;
--crit:#ce93d8;--high:#ff8a80;--med:#ffb74d;--low:#ffe082;--info:#b0bec5;--ok:#81c784;--warn:#ffcc80;--new:#90caf9;--focus:#90caf9;
--fail-bg:#3b1414;--warn-bg:#3a2a0c;--ok-bg:#11301a}}
*{box-sizing:border-box}
[hidden]{display:none!important}
html{-webkit-text-size-adjust:100%}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);margin:0;overflow-wrap:anywhere}
a{color:var(--link)}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0}.skip:focus{left:8px;top:8px;background:var(--bg);padding:6px 10px;z-index:10}
header,main,footer{padding:0 20px;max-width:1600px;margin:0 auto}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 16px;padding-top:10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h1{margin:0;font-size:20px}
.meta{color:var(--muted);margin:0;font-size:13px}
h2{font-size:16px;margin:0 0 8px}
section{margin:12px 0}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:8px;overflow:auto;white-space:pre-wrap;margin:4px 0}
button,select,input{font:inherit;color:inherit;background:var(--card);border:1px solid var(--line);border-radius:4px;padding:4px 8px}
button{cursor:pointer}button:hover{background:var(--hover)}
.muted{color:var(--muted)}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);white-space:nowrap}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;line-height:18px;margin-right:4px;color:#fff;background:#6e7781;white-space:nowrap;vertical-align:1px}
.sev-critical{background:#7b1fa2}.sev-high{background:#c62828}.sev-medium{background:#e65100}.sev-low{background:#f9a825;color:#000}.sev-info{background:#607d8b}
.st-fail{background:#c62828}.st-pass{background:#2e7d32}.st-error{background:#b26a00}.st-skipped{background:#6e7781}
.b-live{background:#0d47a1}.b-contra{background:#6a1b9a}.b-new{background:#1565c0}.b-unchanged{background:#8c959f}.b-fixed{background:#2e7d32}.b-supp{background:#57606a}
.cs-pass{background:#2e7d32}.cs-fail{background:#c62828}.cs-error{background:#b26a00}.cs-no-data,.cs-not-run{background:#8c959f}.cs-not-covered{background:#57606a}.cs-outside{background:#8c959f;color:#000}
/* Overview: verdict and counts beside each other, then what to fix first beside coverage. */
.ov{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:12px}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 14px;background:var(--card);min-width:0}
.verdict{border-left:8px solid var(--muted)}
.verdict.v-fail{border-left-color:var(--high);background:var(--fail-bg)}.verdict.v-incomplete{border-left-color:var(--warn);background:var(--warn-bg)}.verdict.v-pass{border-left-color:var(--ok);background:var(--ok-bg)}
.v-head{display:flex;align-items:baseline;gap:10px;flex-wrap:wrap}
.v-word{font-size:24px;font-weight:800;letter-spacing:.04em;text-transform:uppercase}
.v-fail .v-word{color:var(--high)}.v-incomplete .v-word{color:var(--warn)}.v-pass .v-word{color:var(--ok)}
.why{margin:4px 0 0;padding-left:18px}.why li{margin:2px 0}
.sevs{display:grid;grid-template-columns:repeat(5,minmax(0,1fr));gap:6px}
.sev{border:1px solid var(--line);border-top:5px solid var(--info);border-radius:6px;padding:4px 8px;text-align:left;background:var(--card)}
.sev .n{display:block;font-size:22px;font-weight:700;line-height:1.2}.sev .l{display:block;font-size:12px;color:var(--muted);text-transform:capitalize}
.sev.s-critical{border-top-color:var(--crit)}.sev.s-high{border-top-color:var(--high)}.sev.s-medium{border-top-color:var(--med)}.sev.s-low{border-top-color:var(--low)}
.sev.zero .n{color:var(--muted);font-weight:400}
.tally{margin:8px 0 0;color:var(--muted);font-size:13px}.tally b{color:var(--fg)}
.risks{list-style:none;margin:0;padding:0}
.risk{padding:6px 0;border-top:1px solid var(--line)}.risk:first-child{border-top:0}
.risk .t{font-weight:600}
.risk .t a{color:inherit;text-decoration:none}.risk .t a:hover{text-decoration:underline}
.risk .where{color:var(--muted);font-size:13px}
.risk .fix{margin:2px 0 0;font-size:13px}.risk .fix b{color:var(--ok)}
/* Exposure paths: under the verdict, full width; each path a chain of boxes (a column on a phone). */
.ov-top>#verdict{grid-area:verdict}.ov-top>#counts{grid-area:counts}.ov-top>#paths{grid-area:paths}
.ov-top{grid-template-areas:"verdict counts" "paths paths"}
.p-top{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 12px}.p-top h2{margin:0 0 4px}#paths .lead{margin:0;font-size:13px}
.paths{list-style:none;margin:0;padding:0}
.path{padding:5px 0;border-top:1px solid var(--line)}.path:first-child{border-top:0}
.p-head{display:flex;flex-wrap:wrap;gap:2px 6px;align-items:baseline}.p-head a{font-weight:600}
.chain{list-style:none;margin:3px 0;padding:0;display:flex;flex-wrap:wrap;row-gap:6px;align-items:stretch}
.step{display:flex;align-items:center;min-width:0;max-width:100%}
.step .arr{padding:0 8px;color:var(--muted);font-weight:700;font-size:16px}
.step .box{display:block;border:1px solid var(--line);border-radius:6px;padding:2px 9px;background:var(--soft);min-width:0;max-width:380px}
.step .k{display:block;font-size:12px;color:var(--muted)}.s-target .k{font-size:14px}.s-target .k .n{display:inline;color:var(--fg)}.step .n{display:block;font-weight:600}.step .v{display:block;font-size:12px}
.s-target{flex:1 1 260px}.s-entry .box{border-left:4px solid var(--high);max-width:500px}
.s-entry .v,.s-target .v{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.s-target .box{border-left:4px solid var(--crit);background:var(--fail-bg);max-width:560px}
.mods{margin:0;padding:0;list-style:none;font-size:13px}
.p-fix{margin:0;font-size:13px}.p-fix b{color:var(--ok)}
.p-gaps{border-left:4px solid var(--warn);background:var(--warn-bg);padding:4px 10px;margin:6px 0 0;border-radius:4px}
.p-gaps p{margin:2px 0}.p-gaps ul{margin:2px 0;padding-left:18px}
#paths-more>summary{margin:2px 0 0 14px}
.gaps{list-style:none;margin:0;padding:0}.gaps li{border-top:1px solid var(--line);padding:4px 0}.gaps li:first-child{border-top:0}
details>summary{cursor:pointer}
details.drill>summary{list-style-position:outside;margin-left:14px}
.scores{display:flex;flex-wrap:wrap;gap:6px;margin:8px 0 0}
.score{border:1px solid var(--line);border-radius:14px;padding:1px 10px;font-size:13px;background:var(--card);cursor:pointer}
/* Views. */
.tabs{display:flex;flex-wrap:wrap;gap:4px;border-bottom:1px solid var(--line);margin-top:14px}
.tabs [role=tab]{border:1px solid transparent;border-bottom:0;border-radius:6px 6px 0 0;background:none;padding:6px 12px;font-weight:600;color:var(--muted)}
.tabs [role=tab][aria-selected=true]{border-color:var(--line);background:var(--bg);color:var(--fg);margin-bottom:-1px}
.filters{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:end;margin:10px 0 4px}
.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
.filters label.check{flex-direction:row;align-items:center;gap:4px;font-size:14px;color:var(--fg);padding-bottom:4px}
.filters label.search{flex:1 1 260px}.filters label.search input{width:100%}
.filters details{flex:0 1 auto}.filters details>summary{display:none}
.filters .sel{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:end}
table.controls button{white-space:nowrap}
.count{color:var(--muted);margin:4px 0 8px}
.chip{display:inline-block;border:1px solid var(--line);border-radius:12px;padding:0 4px 0 8px;margin-left:6px;color:var(--fg)}
.chip button{border:0;padding:0 4px;background:none}
.group{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:var(--card)}
.group>summary{padding:6px 10px;display:flex;flex-wrap:wrap;gap:2px 8px;align-items:baseline}
.group>summary .t{font-weight:600}
.group>summary .id{color:var(--muted)}
.group>summary .c{color:var(--muted);font-size:13px;margin-left:auto}
.gbody{padding:4px 12px 10px;border-top:1px solid var(--line)}
.fixline{margin:6px 0}
.items{list-style:none;margin:6px 0;padding:0}
.items>li{border-top:1px solid var(--line)}
.finding>summary{padding:4px 2px;display:flex;flex-wrap:wrap;gap:2px 8px;align-items:baseline}
.finding>summary .r{font-weight:600}.finding>summary .loc{color:var(--muted);font-size:12px}.finding>summary .m{flex-basis:100%;color:var(--muted);font-size:13px}
.fbody{padding:4px 0 10px 16px}
.tree details{margin:2px 0 2px 0}.tree details>summary{padding:3px 4px}.tree details>div{margin-left:18px}
.tree .n{color:var(--muted);font-size:12px;margin-left:6px}
.dsec h4{margin:10px 0 4px;font-size:13px}
.dsec p{margin:2px 0}
.kv{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 10px;margin:4px 0}
.kv dt{color:var(--muted)}.kv dd{margin:0}
.cmp{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:8px;margin:6px 0}
.cmp>div{border:1px solid var(--line);border-radius:6px;padding:6px 10px}
.cmp h5{margin:0 0 4px;font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
.xchg{border-left:3px solid var(--line);padding:2px 0 2px 10px;margin:8px 0}
.xchg .line{font:12px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.xchg .st{font-weight:700}.xchg .st.bad{color:var(--high)}.xchg .st.good{color:var(--ok)}
.hdrs{margin:2px 0;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;color:var(--muted)}
table.findings td.message{max-width:480px}
table.findings tr.finding{cursor:pointer}table.findings tr.finding:hover{background:var(--hover)}
table.findings tr.details td{background:var(--soft)}
th button{border:0;background:none;font-weight:600;padding:0}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
.pager{margin:8px 0}
.fw{margin:10px 0 18px}
.fw-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 12px}
.fw-score{font-size:22px;font-weight:700}
.bar{display:block;width:100%;max-width:420px;height:10px;margin:4px 0}
.fw-counts{display:flex;flex-wrap:wrap;gap:4px;margin:4px 0 8px}
table.controls td.id{white-space:nowrap;font-weight:600}
.more{margin:6px 0}
footer{color:var(--muted);border-top:1px solid var(--line);padding-top:10px;padding-bottom:14px;margin-top:20px}
@media (max-width:900px){.ov{grid-template-columns:minmax(0,1fr)}.ov-top{grid-template-areas:"verdict" "paths" "counts"}}
@media (max-width:720px){header,main,footer{padding-left:10px;padding-right:10px}.sevs{grid-template-columns:repeat(5,minmax(0,1fr));gap:4px}.sev{padding:3px 5px}.sev .n{font-size:18px}
.cmp{grid-template-columns:minmax(0,1fr)}.filters label{flex:1 1 40%}
.chain{flex-direction:column}.step,.s-target{flex:0 0 auto;flex-direction:column;align-items:flex-start}.step .box{max-width:100%}
.s-entry .v,.s-target .v{white-space:normal}.step .arr{transform:rotate(90deg);padding:0;margin:0 0 0 12px;line-height:18px}#paths .lead{display:none}
table.stack thead{display:none}table.stack tr{display:block;border-bottom:1px solid var(--line);padding:4px 0}
table.stack td{display:block;border:0;padding:1px 2px;max-width:none}
table.stack td.sev,table.stack td.status,table.stack td.service,table.stack td.account,table.stack td.region,table.controls.stack td.id{display:inline-block}
table.stack td.resource,table.controls.stack td:nth-child(2){font-weight:600}
.filters details{flex:1 1 100%}.filters details>summary{display:list-item;padding:4px 0}.group>summary .c{margin-left:0}.v-word{font-size:20px}}
@media print{
.skip,.tabs,.filters,.count,.pager,button.show,.more,#view-table,#view-resource,footer{display:none!important}
[role=tabpanel][hidden]#view-framework,[role=tabpanel][hidden]#view-rule{display:block!important}
body{font-size:11px;background:#fff;color:#000}
.card,.group,.sev,.path{break-inside:avoid}#paths{break-inside:auto}
.ov-top{grid-template-areas:"verdict counts" "paths paths"}.step .box{background:none}
.step .k,.step .v,.s-target .k,.mods,.p-fix,#paths .lead{font-size:10px}
.ov{grid-template-columns:minmax(0,3fr) minmax(0,2fr)}
a{color:inherit;text-decoration:none}
details>summary{list-style:none}
}
`;
