// The header's notification badge, kept live over one WebSocket per page (ws/notifications/).
// The server sends {"type": "notice.count", "unread": n} at connect and on every change, and
// closes with 4401 when this session signs out (or a password change ends every session).
(function () {
  "use strict";
  if (!document.querySelector("[data-notice-bell]") || !window.WebSocket) { return; }
  // the bell's name in the page's language, given by base.html on this script's tag
  var script = document.currentScript;
  var label = (script && script.getAttribute("data-label")) || "Notifications";
  var labelUnread = (script && script.getAttribute("data-label-unread")) || "Notifications, {count} unread";
  var delay = 1000;
  var stopped = false;

  function show(unread) {
    // looked up each time: htmx may have swapped the bell ("Mark all read")
    var bell = document.querySelector("[data-notice-bell]");
    var badge = bell ? bell.querySelector("[data-notice-count]") : null;
    if (!badge) { return; }
    var count = Math.max(0, Math.floor(Number(unread) || 0));
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    bell.setAttribute("aria-label", count ? labelUnread.replace("{count}", String(count)) : label);
  }

  function connect() {
    if (stopped) { return; }
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + window.location.host + "/ws/notifications/");
    var heard = false;
    socket.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (e) { return; }
      if (data && data.type === "notice.count") {
        heard = true;
        delay = 1000;
        show(data.unread);
      }
    };
    socket.onclose = function (event) {
      if (stopped) { return; }
      if (event.code === 4401 && !heard) {
        stopped = true; // this session is signed out: nothing more to follow
        return;
      }
      // a session ended somewhere, or the network dropped: reconnecting tells which
      window.setTimeout(connect, delay + Math.floor(Math.random() * 500));
      delay = Math.min(delay * 2, 30000);
    };
  }

  connect();
})();
