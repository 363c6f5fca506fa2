/* Touch screen behaviour: on-screen keypads, the idle prompt, and one submit per form.
   Everything also works without this script: the server validates every form. */
(function () {
  "use strict";

  // The keypad types into the field last tapped; inputmode=none keeps any system keyboard
  // away. Letter keys show only for a field that takes letters (X of an ID number, a code).
  var LETTERS = { id: /^X$/, code: /^[A-Z]$/, digits: null };
  document.querySelectorAll("[data-keypad]").forEach(function (pad) {
    var form = pad.closest("form");
    var fields = Array.prototype.slice.call(form.querySelectorAll("input[data-keys]"));
    if (!fields.length) return;
    var active = null;
    function activate(input) {
      active = input;
      fields.forEach(function (f) { f.closest(".field").classList.toggle("active", f === input); });
      var letters = LETTERS[input.getAttribute("data-keys")];
      pad.querySelectorAll(".key-letter").forEach(function (key) {
        var allowed = !!letters && letters.test(key.getAttribute("data-key"));
        key.style.visibility = allowed ? "" : "hidden";
        key.disabled = !allowed;
      });
    }
    fields.forEach(function (input) {
      input.addEventListener("focus", function () { activate(input); });
      input.addEventListener("pointerdown", function () { activate(input); });
    });
    // The field with an error first, else the first one not yet filled.
    activate(fields.filter(function (f) { return f.getAttribute("aria-invalid"); })[0]
      || fields.filter(function (f) { return !f.value; })[0] || fields[0]);
    // Keep the caret in the field while a key is pressed.
    pad.addEventListener("pointerdown", function (event) { event.preventDefault(); });
    pad.addEventListener("click", function (event) {
      var key = event.target.closest("[data-key]");
      if (!key || key.disabled) return;
      var value = key.getAttribute("data-key"), input = active;
      if (value === "backspace") input.value = input.value.slice(0, -1);
      else if (value === "clear") input.value = "";
      else if (input.maxLength < 0 || input.value.length < input.maxLength) input.value += value;
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });

  // A double tap submits once: the first submit disables the form's buttons.
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      setTimeout(function () {
        form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });

  // Idle: after the configured quiet time ask "still there?", then start again.
  var body = document.body;
  var idleSeconds = parseInt(body.getAttribute("data-idle-seconds"), 10) || 60;
  var countdownSeconds = parseInt(body.getAttribute("data-countdown-seconds"), 10) || 20;
  var overlay = document.getElementById("idle");
  var countEl = document.getElementById("idle-count");
  var restartForm = document.querySelector("form[data-restart-form]") || document.querySelector("form[action$='/restart']");
  var idleTimer = null, countdownTimer = null, remaining = 0;
  var onWelcome = body.classList.contains("welcome-screen");

  function restart() {
    if (restartForm) restartForm.submit();
    else window.location.replace("/");
  }
  function hidePrompt() {
    if (countdownTimer) { clearInterval(countdownTimer); countdownTimer = null; }
    if (overlay) overlay.hidden = true;
  }
  function showPrompt() {
    if (!overlay) { restart(); return; }
    remaining = countdownSeconds;
    countEl.textContent = remaining;
    overlay.hidden = false;
    countdownTimer = setInterval(function () {
      remaining -= 1;
      countEl.textContent = Math.max(remaining, 0);
      if (remaining <= 0) { hidePrompt(); restart(); }
    }, 1000);
  }
  function activity() {
    if (countdownTimer) return; // only the button answers the prompt
    if (idleTimer) clearTimeout(idleTimer);
    if (!onWelcome) idleTimer = setTimeout(showPrompt, idleSeconds * 1000);
  }
  ["pointerdown", "keydown", "input"].forEach(function (name) {
    document.addEventListener(name, activity, { passive: true });
  });
  var stay = document.getElementById("idle-stay");
  if (stay) stay.addEventListener("click", function () { hidePrompt(); activity(); });
  activity();

  // The ticket screen follows its print job until the slip is printed or has failed.
  var printStatus = document.querySelector("[data-status-url]");
  if (printStatus) {
    var polls = 0;
    var poll = function () {
      var state = printStatus.getAttribute("data-print-status");
      if (state === "printed" || state === "failed" || polls++ > 120) return;
      fetch(printStatus.getAttribute("data-status-url"), { cache: "no-store", credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) { if (body && body.status) printStatus.setAttribute("data-print-status", body.status); })
        .catch(function () {})
        .then(function () { setTimeout(poll, 500); });
    };
    setTimeout(poll, 300);
  }

  // A page restored from the back/forward cache must not show old entries.
  window.addEventListener("pageshow", function (event) { if (event.persisted) window.location.reload(); });
})();
