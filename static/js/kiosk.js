/* Touch screen behaviour: on-screen keypads, the idle prompt, and one submit per form.
   Everything also works without this script: the server validates every form. */
(function () {
  "use strict";

  // A long press or a right click opens no browser menu on a public touch screen.
  document.addEventListener("contextmenu", function (event) { event.preventDefault(); });

  // The keypad types into the field last tapped; inputmode=none keeps any system keyboard
  // away. Letter keys show only for a field that takes letters (X of an ID number, a code).
  var LETTERS = { id: /^X$/, code: /^[A-Z]$/, digits: null };
  document.querySelectorAll("[data-keypad]").forEach(function (pad) {
    var form = pad.closest("form");
    var fields = Array.prototype.slice.call(form.querySelectorAll("input[data-keys]:not([data-keys=text])"));
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

  // The Chinese keyboard: pinyin letters compose, candidates (a page at a time from the
  // kiosk's own /ime/candidates) go into the text field last tapped; the digit keypad
  // of the same form keeps serving its own fields.
  document.querySelectorAll("[data-ime]").forEach(function (ime) {
    var form = ime.closest("form");
    var fields = Array.prototype.slice.call(form.querySelectorAll("[data-keys=text]"));
    if (!fields.length) return;
    var url = ime.getAttribute("data-candidates-url");
    var pinyinEl = ime.querySelector("[data-ime-pinyin]");
    var list = ime.querySelector("[data-ime-candidates]");
    var prev = ime.querySelector('[data-ime-action="prev"]'), next = ime.querySelector('[data-ime-action="next"]');
    var labels = ime.querySelector("[data-ime-labels]");
    var modeKey = ime.querySelector('[data-ime-action="mode"]');
    var symbolsKey = ime.querySelector('[data-ime-action="symbols"]');
    var active = null, pinyin = "", page = 0, latin = false, symbols = false, asked = 0;
    var shown = [];

    function type(text) {
      if (!active) return;
      var max = active.maxLength > 0 ? active.maxLength : 10000;
      active.value = (active.value + text).slice(0, max);
      active.dispatchEvent(new Event("input", { bubbles: true }));
    }
    function render(candidates, more) {
      shown = candidates;
      list.textContent = "";
      candidates.forEach(function (c, i) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "key ime-candidate"; b.textContent = c.text;
        b.setAttribute("data-ime-pick", String(i));
        list.appendChild(b);
      });
      prev.disabled = page === 0; next.disabled = !more;
      pinyinEl.textContent = pinyin;
      list.setAttribute("data-for", pinyin + "@" + page);
    }
    function ask() {
      if (!pinyin) { page = 0; render([], false); return; }
      var mine = ++asked;
      fetch(url + "?q=" + encodeURIComponent(pinyin) + "&page=" + page, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body && mine === asked) { page = body.page; render(body.candidates, body.more); } })
        .catch(function () {});
      pinyinEl.textContent = pinyin;
    }
    function pick(i) {
      var c = shown[i];
      if (!c) return;
      type(c.text);
      pinyin = pinyin.slice(c.consumed); page = 0; ask();
    }
    function setLayer() {
      ime.querySelector('[data-ime-layer="letters"]').hidden = symbols;
      ime.querySelector('[data-ime-layer="symbols"]').hidden = !symbols;
      // Each mode key names what a tap on it gives.
      modeKey.textContent = labels.getAttribute(latin ? "data-pinyin" : "data-latin");
      symbolsKey.textContent = labels.getAttribute(symbols ? "data-letters" : "data-symbols");
      ime.querySelectorAll("[data-ime-letter]").forEach(function (k) {
        var l = k.getAttribute("data-ime-letter");
        k.textContent = latin ? l.toUpperCase() : l;
      });
    }
    function open(input) {
      if (active !== input && pinyin) { pinyin = ""; ask(); }
      active = input;
      form.querySelectorAll(".field").forEach(function (f) { f.classList.toggle("active", f.contains(input)); });
      if (ime.hidden) { ime.hidden = false; ime.scrollIntoView({ block: "nearest" }); }
    }
    function close() {
      if (pinyin) { pinyin = ""; ask(); }
      ime.hidden = true; active = null;
      form.querySelectorAll(".field").forEach(function (f) { f.classList.remove("active"); });
    }
    fields.forEach(function (input) {
      input.addEventListener("focus", function () { open(input); });
      input.addEventListener("pointerdown", function () { open(input); });
    });
    form.querySelectorAll("input[data-keys]:not([data-keys=text])").forEach(function (input) {
      input.addEventListener("focus", close);
    });
    ime.addEventListener("pointerdown", function (event) { event.preventDefault(); });
    ime.addEventListener("click", function (event) {
      var key = event.target.closest("button");
      if (!key || key.disabled || !active) return;
      var letter = key.getAttribute("data-ime-letter");
      var text = key.getAttribute("data-ime-text");
      var action = key.getAttribute("data-ime-action");
      if (key.hasAttribute("data-ime-pick")) pick(parseInt(key.getAttribute("data-ime-pick"), 10));
      else if (letter && latin) type(letter.toUpperCase());
      else if (letter) { if (pinyin.length < 30) { pinyin += letter; page = 0; ask(); } }
      else if (text) { if (pinyin) pick(0); type(text); }
      else if (action === "backspace") {
        if (pinyin) { pinyin = pinyin.slice(0, -1); page = 0; ask(); }
        else { active.value = active.value.slice(0, -1); active.dispatchEvent(new Event("input", { bubbles: true })); }
      }
      else if (action === "space") { if (pinyin) pick(0); else type(" "); }
      else if (action === "clear") { pinyin = ""; ask(); active.value = ""; }
      else if (action === "prev" && page > 0) { page -= 1; ask(); }
      else if (action === "next") { page += 1; ask(); }
      else if (action === "mode") { if (pinyin) pick(0); latin = !latin; symbols = false; setLayer(); }
      else if (action === "symbols") { symbols = !symbols; setLayer(); }
      else if (action === "done") { if (pinyin) pick(0); close(); }
    });
  });

  // A QR scanner types like a keyboard: a fast burst of keys ending in Enter. Keys typed
  // while no field has the focus go to the code field, and Enter sends the form.
  document.querySelectorAll("form[data-scanner]").forEach(function (form) {
    var input = form.querySelector("input[name=code]");
    document.addEventListener("keydown", function (event) {
      if (document.activeElement === input || event.ctrlKey || event.altKey || event.metaKey) return;
      if (event.key.length === 1 || event.key === "Enter") input.focus();
      if (event.key.length === 1) { input.value += event.key; event.preventDefault(); }
      else if (event.key === "Enter") { event.preventDefault(); form.requestSubmit(); }
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
