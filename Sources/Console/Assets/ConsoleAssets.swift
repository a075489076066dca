/// The console's static files, compiled into the binary (so `swift run portwatch serve` and an installed
/// binary serve them alike, with no file to ship beside it): `/ui` (``html``), `/ui/console.css`
/// (``style``) and `/ui/console.js` (``script``).
enum ConsoleAssets {}
