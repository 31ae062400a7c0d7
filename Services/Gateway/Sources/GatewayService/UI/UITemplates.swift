/// The web UI's Mustache templates, compiled into the binary (the release images are a single
/// binary `FROM scratch`). `{{…}}` escapes HTML; only `layout` inserts a rendered page raw.
enum UITemplates {
    /// Every template by name, for the renderer's library.
    static let all: [String: String] = [
        "layout": layout, "login": login, "dashboard": dashboard, "nodes": nodes, "jobs": jobs, "job": job, "jobrows": jobRows, "audit": audit,
        "error": error,
    ]

    static let layout = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Coxswain</title>
        <link rel="stylesheet" href="/ui/static/app.css">
        <script src="/ui/static/app.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
        <a class="brand" href="/ui/">⚓ Coxswain</a>
        {{#chrome}}
        <nav aria-label="Main"><ul>
        {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}
        </ul></nav>
        <div class="who">
        {{#switcher}}
        <form method="post" action="/ui/team" class="inline">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="team-switch">Team</label>
        <select id="team-switch" name="team">{{#teams}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}} ({{role}})</option>{{/teams}}</select>
        <button type="submit" id="switch-team">Switch</button>
        </form>
        {{/switcher}}
        {{^switcher}}<span>team <strong>{{team}}</strong></span>{{/switcher}}
        <span class="role" id="whoami">{{user}} · {{role}}</span>
        <form method="post" action="/ui/logout" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" id="logout">Log out</button></form>
        </div>
        {{/chrome}}
        </header>
        <main id="main">
        {{#flash}}<p class="flash {{tone}}" role="status">{{text}}</p>{{/flash}}
        {{{body}}}
        </main>
        </body>
        </html>
        """

    static let login = """
        <section class="card narrow">
        <h1>Sign in</h1>
        {{#error}}<p class="flash bad" role="alert" id="login-error">{{error}}</p>{{/error}}
        <form method="post" action="/ui/login" class="stack">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="user">User name</label>
        <input id="user" name="user" autocomplete="username" required value="{{user}}">
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required>
        <button type="submit" class="primary" id="sign-in">Sign in</button>
        </form>
        <p class="hint">Accounts are made with <code>coxswain user create NAME</code>.</p>
        </section>
        """

    static let jobRows = """
        <div class="scroll"><table>
        <thead><tr><th scope="col">Job</th><th scope="col">Command</th><th scope="col">Status</th><th scope="col">Nodes</th><th scope="col">By</th><th scope="col">Submitted</th></tr></thead>
        <tbody>
        {{#items}}<tr>
        <td><a href="/ui/jobs/{{id}}" class="mono">{{short}}</a></td>
        <td><code>{{verb}} {{arguments}}</code></td>
        <td><span class="badge {{status.tone}}">{{status.text}}</span></td>
        <td>{{succeeded}} ok · {{failed}} failed · {{pending}} pending</td>
        <td>{{submittedBy}}</td>
        <td><time datetime="{{created.iso}}" title="{{created.absolute}}">{{created.relative}}</time></td>
        </tr>{{/items}}
        </tbody></table></div>
        """

    static let dashboard = """
        <h1>Dashboard</h1>
        <ul class="tiles">
        <li><a href="/ui/nodes"><strong>{{online}}</strong> <span class="badge ok">online</span> nodes</a></li>
        <li><a href="/ui/nodes"><strong>{{offline}}</strong> <span class="badge bad">offline</span> nodes</a></li>
        <li><a href="/ui/jobs?status=dispatched"><strong>{{running.count}}</strong> <span class="badge busy">running</span> jobs</a></li>
        <li><a href="/ui/jobs?status=failed"><strong>{{failures.count}}</strong> <span class="badge bad">failed</span> recently</a></li>
        <li><strong>{{deploying.count}}</strong> <span class="badge busy">deploying</span></li>
        </ul>
        <section>
        <h2>Running jobs</h2>
        {{#running.any}}{{#running}}{{> jobrows}}{{/running}}{{/running.any}}
        {{^running.any}}<p class="empty">No job is running.</p>{{/running.any}}
        </section>
        <section>
        <h2>Recent failures</h2>
        {{#failures.any}}{{#failures}}{{> jobrows}}{{/failures}}{{/failures.any}}
        {{^failures.any}}<p class="empty">No failed job among the latest.</p>{{/failures.any}}
        </section>
        <section>
        <h2>Deployments in progress</h2>
        {{#deploying.any}}<div class="scroll"><table>
        <thead><tr><th scope="col">Product</th><th scope="col">Version</th><th scope="col">Node</th><th scope="col">Status</th></tr></thead><tbody>
        {{#deploying.items}}<tr><td>{{product}}</td><td>{{version}}</td><td>{{node}}</td><td><span class="badge {{status.tone}}">{{status.text}}</span></td></tr>{{/deploying.items}}
        </tbody></table></div>{{/deploying.any}}
        {{^deploying.any}}<p class="empty">No deployment is in progress.</p>{{/deploying.any}}
        </section>
        """

    static let nodes = """
        <h1>Nodes</h1>
        {{#enrolled}}
        <section class="card" id="enrolment">
        <h2>Enrol {{node}}</h2>
        <p>Run this on the new machine before {{expires}} (the token works once):</p>
        <pre id="install-command" class="copyable">{{command}}</pre>
        <button type="button" data-copy="install-command">Copy</button>
        </section>
        {{/enrolled}}
        {{#rows.any}}<div class="scroll"><table>
        <thead><tr><th scope="col">Node</th><th scope="col">Status</th><th scope="col">Labels</th><th scope="col">Engine</th><th scope="col">Agent</th><th scope="col">Last seen</th>{{#canRemove}}<th scope="col"><span class="sr">Actions</span></th>{{/canRemove}}</tr></thead>
        <tbody>
        {{#rows.items}}<tr>
        <td><strong>{{name}}</strong></td>
        <td><span class="badge {{status.tone}}">{{status.text}}</span></td>
        <td>{{#labels}}<span class="label">{{.}}</span> {{/labels}}</td>
        <td>{{engine}}</td>
        <td>{{version}}</td>
        <td><time datetime="{{lastSeen.iso}}" title="{{lastSeen.absolute}}">{{lastSeen.relative}}</time></td>
        {{#canRemove}}<td><form method="post" action="/ui/nodes/{{name}}/remove" class="inline" data-confirm="Remove node {{name}}? Its agent can no longer connect.">
        <input type="hidden" name="csrf" value="{{csrf}}"><button type="submit" class="danger">Remove</button></form></td>{{/canRemove}}
        </tr>{{/rows.items}}
        </tbody></table></div>{{/rows.any}}
        {{^rows.any}}<p class="empty">No node yet.</p>{{/rows.any}}
        {{#canEnrol}}
        <section class="card">
        <h2>Enrol a node</h2>
        <form method="post" action="/ui/nodes" class="stack">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="node-name">Node name</label>
        <input id="node-name" name="name" required pattern="[a-z0-9][a-z0-9._\\-]*" placeholder="web-1">
        <label for="node-labels">Labels <span class="hint">(optional: role=web, zone=a)</span></label>
        <input id="node-labels" name="labels" placeholder="role=web">
        <button type="submit" class="primary" id="enrol">Make an install command</button>
        </form>
        </section>
        {{/canEnrol}}
        """

    static let jobs = """
        <h1>Jobs</h1>
        {{#canRun}}
        <section class="card">
        <h2>Run a command</h2>
        <form method="post" action="/ui/jobs" class="grid">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div><label for="verb">Verb</label>
        <select id="verb" name="verb">{{#verbs}}<option>{{.}}</option>{{/verbs}}</select></div>
        <div class="wide"><label for="arguments">Arguments</label>
        <input id="arguments" name="arguments" required placeholder="uptime"></div>
        <div><label for="targets">Target <span class="hint">(nodes or globs; empty: all online)</span></label>
        <input id="targets" name="targets" placeholder="web-*"></div>
        <div><button type="submit" class="primary" id="run">Run</button></div>
        </form>
        </section>
        {{/canRun}}
        <form method="get" action="/ui/jobs" class="filters">
        <label for="status">Status</label>
        <select id="status" name="status">{{#filters}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/filters}}</select>
        <button type="submit">Filter</button>
        </form>
        {{#list.any}}{{#list}}{{> jobrows}}{{/list}}{{/list.any}}
        {{^list.any}}<p class="empty">No job matches.</p>{{/list.any}}
        """

    static let job = """
        <p><a href="/ui/jobs">← Jobs</a></p>
        <h1>Job <span class="mono">{{short}}</span></h1>
        <dl class="facts">
        <dt>Command</dt><dd><code>{{verb}} {{arguments}}</code></dd>
        <dt>Status</dt><dd><span class="badge {{status.tone}}" id="job-status">{{status.text}}</span></dd>
        <dt>Submitted</dt><dd><time datetime="{{created.iso}}" title="{{created.absolute}}">{{created.relative}}</time> by {{submittedBy}}</dd>
        <dt>Targets</dt><dd>{{targets}}</dd>
        {{#error}}<dt>Error</dt><dd>{{error}}</dd>{{/error}}
        </dl>
        {{^final}}
        <section id="live" data-events="/ui/jobs/{{id}}/events" data-final="{{final}}">
        <h2>Live output</h2>
        <p class="hint" id="live-state">Waiting for output…</p>
        <pre id="live-log" aria-live="polite"></pre>
        </section>
        {{/final}}
        <section>
        <h2>Nodes</h2>
        {{#tasks.any}}{{#tasks.items}}
        <article class="task">
        <h3>{{node}} <span class="badge {{status.tone}}">{{status.text}}</span>{{#exitCode}} <span class="hint">exit {{exitCode}}</span>{{/exitCode}}{{#step}} <span class="hint">step {{step}}</span>{{/step}}</h3>
        {{#error}}<p class="flash bad">{{error}}</p>{{/error}}
        {{#stdout}}<pre class="out">{{.}}</pre>{{/stdout}}
        {{#stderr}}<pre class="out err">{{.}}</pre>{{/stderr}}
        </article>
        {{/tasks.items}}{{/tasks.any}}
        {{^tasks.any}}<p class="empty">No task yet: the job is being planned.</p>{{/tasks.any}}
        </section>
        """

    static let audit = """
        <h1>Audit log</h1>
        {{#verification}}
        <p class="flash {{tone}}" role="status" id="verify-result">{{text}}</p>
        {{/verification}}
        <form method="get" action="/ui/audit" class="filters">
        <label for="actor">Actor</label><input id="actor" name="actor" value="{{actor}}">
        <label for="action">Action</label><input id="action" name="action" value="{{action}}">
        <label for="target">Target</label><input id="target" name="target" value="{{target}}">
        <button type="submit">Filter</button>
        <button type="submit" name="verify" value="1" id="verify">Verify the chain</button>
        </form>
        {{#rows.any}}<div class="scroll"><table>
        <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Actor</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">Outcome</th></tr></thead>
        <tbody>
        {{#rows.items}}<tr><td>{{seq}}</td><td><time datetime="{{time.iso}}" title="{{time.absolute}}">{{time.relative}}</time></td><td>{{actor}}</td><td><code>{{action}}</code></td><td>{{target}}</td><td><span class="badge {{outcome.tone}}">{{outcome.text}}</span></td></tr>{{/rows.items}}
        </tbody></table></div>{{/rows.any}}
        {{^rows.any}}<p class="empty">No record matches.</p>{{/rows.any}}
        """

    static let error = """
        <section class="card narrow">
        <h1>{{heading}}</h1>
        <p class="flash bad" role="alert" id="error-reason">{{reason}}</p>
        <p><a href="{{back}}">Back</a></p>
        </section>
        """
}
