// Small enhancements only; every page works without this file.
document.addEventListener("DOMContentLoaded", function () {
  // WeChat's own browser has no printing: there 打印 would do nothing and stays hidden.
  if (!/MicroMessenger/i.test(navigator.userAgent)) {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }
  // 字号 and 配色 come back to the same page: in place of it in the history, so that 返回
  // afterwards leaves the page instead of showing it again at the size before.
  document.querySelectorAll('a[href^="/preferences/"]').forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      window.location.replace(link.href);
    });
  });
});

// A page brought back by 返回 from the browser's back/forward cache is the copy drawn before:
// if 字号 or 配色 changed since (on a later page), it is drawn again as the server now draws it.
window.addEventListener("pageshow", function (event) {
  if (!event.persisted) return;
  // The values the server knows (yanan_portal/views.py); any other cookie it draws as the default.
  function cookie(name, known, fallback) {
    var value = (document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]*)")) || [])[1];
    return known.indexOf(value) >= 0 ? value : fallback;
  }
  var classes = document.documentElement.classList;
  var size = "text-" + cookie("textsize", ["md", "lg", "xl"], "md");
  var contrast = "contrast-" + cookie("contrast", ["normal", "high"], "normal");
  if (!classes.contains(size) || !classes.contains(contrast)) window.location.reload();
});

// 朗读 (read aloud, issue 8): the article's text in the browser's own zh-CN voice.
// No third-party service; the controls stay hidden when the browser has no Chinese voice.
(function () {
  "use strict";
  var MAX_CHUNK = 180; // long utterances are cut off by some engines; speak sentence groups

  function chunksOf(text) {
    var pieces = text.match(/[^。!?!?;;]+[。!?!?;;]*/g) || [text];
    var chunks = [];
    var current = "";
    pieces.forEach(function (piece) {
      if (current && (current + piece).length > MAX_CHUNK) {
        chunks.push(current);
        current = "";
      }
      current += piece;
    });
    if (current.trim()) chunks.push(current);
    return chunks;
  }

  function articleText() {
    var parts = [];
    var title = document.querySelector(".article-header h1");
    if (title) parts.push(title.textContent.trim() + "。");
    document.querySelectorAll(".article-body h2, .article-body h3, .article-body h4, .article-body p, .article-body li, .article-body figcaption, .article-body blockquote")
      .forEach(function (block) {
        var text = block.textContent.replace(/\s+/g, " ").trim();
        if (text) parts.push(text);
      });
    var chunks = [];
    parts.forEach(function (part) { chunks = chunks.concat(chunksOf(part)); });
    return chunks;
  }

  function init() {
    var box = document.querySelector("[data-read-aloud]");
    if (!box || !("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") return;
    var synth = window.speechSynthesis;
    var toggle = box.querySelector("[data-read-aloud-switch]");
    var controls = box.querySelector("[data-read-aloud-controls]");
    var play = box.querySelector("[data-read-aloud-play]");
    var pause = box.querySelector("[data-read-aloud-pause]");
    var stop = box.querySelector("[data-read-aloud-stop]");
    var status = box.querySelector("[data-read-aloud-status]");
    var stateMark = toggle.querySelector(".switch-state");
    var voice = null;
    var state = "idle"; // idle | playing | paused
    var run = 0; // ignores end events of utterances from an earlier, cancelled run

    function setState(next, message) {
      state = next;
      play.disabled = state === "playing";
      play.textContent = state === "paused" ? "继续" : "播放";
      pause.disabled = state !== "playing";
      stop.disabled = state === "idle";
      if (message) status.textContent = message;
    }

    function pickVoice() {
      var voices = synth.getVoices() || [];
      voice = voices.filter(function (v) { return /^zh[-_]CN/i.test(v.lang); })[0] ||
        voices.filter(function (v) { return /^(zh|cmn)/i.test(v.lang); })[0] || null;
      box.hidden = !voice;
      if (!voice && state !== "idle") cancel();
    }

    function cancel() {
      run += 1;
      synth.cancel();
      setState("idle", "已停止朗读");
    }

    function start() {
      cancel();
      var thisRun = run;
      var chunks = articleText();
      chunks.forEach(function (chunk, index) {
        var utterance = new window.SpeechSynthesisUtterance(chunk);
        utterance.lang = "zh-CN";
        utterance.voice = voice;
        utterance.rate = 0.9; // a little slower than the default, for older listeners
        if (index === chunks.length - 1) {
          utterance.onend = function () { if (run === thisRun) setState("idle", "朗读结束"); };
        }
        synth.speak(utterance);
      });
      setState("playing", "正在朗读");
    }

    toggle.addEventListener("click", function () {
      var on = toggle.getAttribute("aria-checked") !== "true";
      toggle.setAttribute("aria-checked", on ? "true" : "false");
      stateMark.textContent = on ? stateMark.getAttribute("data-on") : stateMark.getAttribute("data-off");
      controls.hidden = !on;
      if (!on) cancel();
    });
    play.addEventListener("click", function () {
      if (state === "paused") {
        synth.resume();
        setState("playing", "继续朗读");
      } else {
        start();
      }
    });
    pause.addEventListener("click", function () {
      synth.pause();
      setState("paused", "已暂停");
    });
    stop.addEventListener("click", cancel);
    window.addEventListener("pagehide", function () { synth.cancel(); });

    setState("idle");
    pickVoice();
    if (synth.addEventListener) synth.addEventListener("voiceschanged", pickVoice);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
