// Small progressive enhancements; every page works without them.
document.addEventListener("keydown", (e) => {
  // "/" focuses the search box, as in most products.
  if (e.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName)) {
    const q = document.getElementById("q-top");
    if (q) { e.preventDefault(); q.focus(); }
  }
  if (e.key === "Escape") {
    document.querySelectorAll("details.usermenu[open]").forEach((d) => d.removeAttribute("open"));
  }
});
// Confirm destructive actions marked with data-confirm.
document.addEventListener("submit", (e) => {
  const msg = e.target.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) e.preventDefault();
});
