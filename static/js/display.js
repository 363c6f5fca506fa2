/* The waiting-room display: poll the calls with an ETag, show them, announce new ones.
   A chime, then "请A023号到3号窗口" played from the kiosk's speech clips
   (/display/say/A023/3.wav), or through speechSynthesis (zh-CN) when it has none. Calls seen on the
   first load are shown but not announced. Autoplay on a kiosk TV needs Chromium's
   --autoplay-policy=no-user-gesture-required; without it the page offers a button. */
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) return;
  var url = board.dataset.url, poll = parseInt(board.dataset.poll, 10) || 500;
  var say = board.dataset.say, sayUrl = board.dataset.sayUrl, chimeUrl = board.dataset.chime;
  var etag = null, lastId = null, queue = [], busy = false;
  var offline = document.getElementById("offline"), soundButton = document.getElementById("sound");
  var recent = document.getElementById("recent");

  function text(call) {
    return say.replace("{ticket}", call.ticket).replace("{window}", String(call.window));
  }

  function synthesise(sentence) {
    if (!("speechSynthesis" in window)) return;
    var utterance = new SpeechSynthesisUtterance(sentence);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  // The kiosk's own clips first (a bare system has no Chinese voice); the browser's voice
  // only when the kiosk has none to offer.
  function said(call, how) {
    board.dataset.said = text(call);
    board.dataset.saidBy = how;
  }

  function speak(call) {
    var voice = new Audio(sayUrl.replace("{ticket}", encodeURIComponent(call.ticket))
                                .replace("{window}", String(call.window)));
    voice.addEventListener("playing", function () { said(call, "clips"); });
    voice.addEventListener("error", function () { synthesise(text(call)); said(call, "browser"); });
    var playing = voice.play();
    if (playing && playing.catch) {
      playing.catch(function (error) {
        if (error && error.name === "NotAllowedError") { soundButton.hidden = false; }
      });
    }
  }

  function next() {
    if (busy || !queue.length) return;
    busy = true;
    var call = queue.shift(), done = false;
    function after() {
      if (done) return;
      done = true;
      speak(call);
      // Leave room for the sentence (about 3.5 s) before the next chime.
      setTimeout(function () { busy = false; next(); }, 4000);
    }
    var chime = new Audio(chimeUrl);
    chime.addEventListener("ended", after);
    chime.addEventListener("error", after);
    setTimeout(after, 1500);  // a chime that never ends must not silence the call
    var playing = chime.play();
    if (playing && playing.catch) {
      playing.catch(function () { soundButton.hidden = false; after(); });
    }
  }

  soundButton.addEventListener("click", function () {
    soundButton.hidden = true;
    new Audio(chimeUrl).play().catch(function () {});
  });

  function render(data) {
    data.windows.forEach(function (item) {
      var cell = board.querySelector('[data-window="' + item.window + '"]');
      if (!cell) return;
      var now = cell.querySelector("[data-now]");
      var value = item.call ? item.call.ticket : "—";
      if (now.textContent !== value || (item.call && cell.dataset.callId !== String(item.call.id))) {
        now.textContent = value;
        cell.dataset.callId = item.call ? String(item.call.id) : "";
        if (lastId !== null) {
          cell.classList.remove("fresh");
          void cell.offsetWidth;  // restart the highlight animation
          cell.classList.add("fresh");
        }
      }
    });
    recent.textContent = "";
    data.recent.slice(0, 8).forEach(function (call) {
      var li = document.createElement("li");
      var ticket = document.createElement("b");
      ticket.textContent = call.ticket;
      var where = document.createElement("span");
      where.textContent = board.querySelector('[data-window="' + call.window + '"] .label').textContent;
      li.appendChild(ticket);
      li.appendChild(where);
      recent.appendChild(li);
    });
    if (lastId !== null) {
      data.recent.filter(function (call) { return call.id > lastId; })
        .sort(function (a, b) { return a.id - b.id; })
        .forEach(function (call) { queue.push(call); });
      next();
    }
    lastId = data.last_id;
    board.dataset.lastId = String(lastId);
    board.dataset.renderedAt = String(Date.now());
  }

  function tick() {
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { headers: headers, cache: "no-store" }).then(function (response) {
      offline.hidden = true;
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        return response.json().then(render);
      }
    }).catch(function () {
      offline.hidden = false;
    }).then(function () {
      setTimeout(tick, poll);
    });
  }

  function clock() {
    var now = new Date();
    document.getElementById("clock").textContent =
      String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }
  clock();
  setInterval(clock, 10000);
  tick();
})();
