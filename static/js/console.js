/* The staff console: refresh the queue panel in the background (ETag, 304 when
   nothing changed), submit the window choice on change, and stop a double press
   of 叫号 from sending two calls. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("button[type=submit]");
    if (button) {
      if (button.dataset.sent) { event.preventDefault(); return; }
      button.dataset.sent = "1";
    }
  });

  var panel = document.getElementById("queue");
  if (!panel) return;
  var url = panel.dataset.panelUrl, etag = null;

  function busy() {
    // Do not redraw under a receptionist choosing a transfer target.
    var active = document.activeElement;
    return active && panel.contains(active) && active.tagName === "SELECT";
  }

  function refresh() {
    if (busy()) { setTimeout(refresh, 1000); return; }
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin", redirect: "manual" }).then(function (response) {
      if (response.type === "opaqueredirect") {
        // Signed out after idling. The redirect is not followed here, so the page
        // itself shows the sign-in page with its message, then comes back here.
        window.location.href = panel.dataset.signInUrl + "?next=" + encodeURIComponent(window.location.pathname);
        return new Promise(function () {});  // stop refreshing
      }
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        return response.text().then(function (html) { panel.innerHTML = html; });
      }
    }).catch(function () {}).then(function () { setTimeout(refresh, 1500); });
  }
  setTimeout(refresh, 1500);
})();
