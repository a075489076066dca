// The asset itself, as served: edit it here (no build step turns another file into this one).
extension ConsoleAssets {
    /// The console's page: the header, the tabs' bar, the login form and the view's place.
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Portwatch console</title>
<link rel="stylesheet" href="/ui/console.css">
<script src="/ui/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="bar">
  <div class="brand"><span class="logo" aria-hidden="true"></span>Portwatch <span class="sub">data-plane console</span></div>
  <nav id="tabs" class="tabs" role="tablist" aria-label="Views"></nav>
  <div class="who">
    <span id="live" class="live off" role="status" aria-live="polite">offline</span>
    <span id="whoami"></span>
    <button id="logout" class="ghost" type="button" hidden>Log out</button>
  </div>
</header>
<main id="main" tabindex="-1">
  <section id="login" class="login" hidden>
    <form id="login-form" class="card login-card" autocomplete="on">
      <h1>Sign in</h1>
      <p class="muted">With your OpenStack credentials (Keystone).</p>
      <label for="l-user">User name</label><input id="l-user" name="username" autocomplete="username">
      <label for="l-pass">Password</label><input id="l-pass" name="password" type="password" autocomplete="current-password">
      <label for="l-project">Project</label><input id="l-project" name="project_name">
      <details><summary>Domains</summary>
        <label for="l-udom">User domain</label><input id="l-udom" name="user_domain_name" value="Default">
        <label for="l-pdom">Project domain</label><input id="l-pdom" name="project_domain_name" value="Default">
      </details>
      <button id="l-submit" type="submit" class="primary">Sign in</button>
      <details><summary>Use a token instead</summary>
        <label for="l-token">Keystone token</label><input id="l-token" name="token" autocomplete="off">
        <button id="l-token-submit" type="button" class="secondary">Use this token</button>
      </details>
      <p id="login-error" class="error" role="alert"></p>
    </form>
  </section>
  <section id="view" aria-live="off"></section>
</main>
<div id="toast" role="status" aria-live="polite"></div>
</body>
</html>
"""#
}
