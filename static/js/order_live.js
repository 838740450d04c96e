// The order page's live part: the chat and the status, over one WebSocket per order.
// Every message is drawn with textContent (never innerHTML): what a party types stays inert.
// Words people see come translated from the page's data-t-* attributes, never from here.

(function () {
  "use strict";
  var box = document.querySelector("[data-order-chat]");
  if (!box || !window.WebSocket) { return; }
  function t(name) { return box.getAttribute("data-t-" + name) || ""; }
  var publicId = box.getAttribute("data-order-id");
  var role = box.getAttribute("data-role");
  var status = box.getAttribute("data-status");
  if (box.getAttribute("data-closed") === "true") { return; } // nothing changes any more
  var list = box.querySelector("[data-chat-list]");
  var form = box.querySelector("[data-chat-form]");
  var input = form ? form.querySelector("textarea") : null;
  var note = box.querySelector("[data-chat-note]");
  var state = box.querySelector("[data-chat-state]");
  var socket = null;
  var delay = 1000;
  var pending = "";
  var stopped = false;

  function say(text) {
    if (!note) { return; }
    note.textContent = text || "";
    note.hidden = !text;
  }

  function setState(text) {
    if (state) { state.textContent = text; }
  }

  function who(message) {
    if (message.kind === "system") { return t("system"); }
    if (message.sender_role === role) { return t("you"); }
    if (message.sender_role === "staff") { return t("staff"); }
    return message.sender_role === "buyer" ? t("buyer") : t("seller");
  }

  // An image message: a thumbnail linking to the full picture (served only to this chat).
  function picture(message) {
    var link = document.createElement("a");
    link.href = message.image_url;
    link.target = "_blank";
    link.rel = "noopener";
    var img = document.createElement("img");
    img.className = "order-chat__image";
    img.src = message.image_url;
    var from = message.sender_role === role ? "you" : (message.sender_role || "system");
    img.alt = t("image-from-" + from) || t("image-from-system");
    img.loading = "lazy";
    if (message.width && message.height) {
      img.width = message.width;
      img.height = message.height;
    }
    link.appendChild(img);
    return link;
  }

  function draw(message) {
    var item = document.createElement("li");
    var mine = message.kind !== "system" && message.sender_role === role;
    item.className = "order-chat__msg order-chat__msg--" +
      (message.kind === "system" ? "system" : (mine ? "mine" : "theirs"));
    item.setAttribute("data-id", String(message.id));
    var name = document.createElement("span");
    name.className = "order-chat__who";
    name.textContent = who(message);
    var at = document.createElement("time");
    at.className = "order-chat__at";
    var when = new Date(message.created_at);
    if (!isNaN(when.getTime())) {
      at.setAttribute("datetime", message.created_at);
      // UTC, like every time the server renders on this page
      at.textContent = when.toISOString().slice(11, 16);
    }
    var body = document.createElement("p");
    body.className = "order-chat__body";
    if (message.kind === "image" && message.image_url) {
      body.appendChild(picture(message));
    } else {
      body.textContent = message.body; // white-space: pre-wrap keeps the line breaks
    }
    item.appendChild(name);
    item.appendChild(at);
    item.appendChild(body);
    return item;
  }

  function scrollDown() { list.scrollTop = list.scrollHeight; }

  function append(message) {
    if (list.querySelector('[data-id="' + String(Number(message.id)) + '"]')) { return; }
    var empty = list.querySelector("[data-chat-empty]");
    if (empty) { empty.remove(); }
    list.appendChild(draw(message));
    scrollDown();
  }

  // An action form of this page (paid, cancel, release) is on its way: its own redirect
  // brings the new state and the confirmation, so the live reload must not race it.
  var leaving = false;
  document.addEventListener("submit", function (event) {
    if (event.target !== form) { leaving = true; }
  });

  function statusChanged(newStatus) {
    if (leaving) { return false; }
    if (newStatus && newStatus !== status) {
      // the simplest correct refresh of the banner, the actions and the timeline
      stopped = true;
      window.location.reload();
      return true;
    }
    return false;
  }

  function receive(event) {
    var data;
    try { data = JSON.parse(event.data); } catch (e) { return; }
    if (!data || typeof data !== "object") { return; }
    if (data.type === "chat.history") {
      if (statusChanged(data.status)) { return; }
      var items = (data.messages || []).map(draw);
      list.replaceChildren.apply(list, items);
      scrollDown();
    } else if (data.type === "chat.message") {
      append(data);
      if (data.sender_role === role && pending && data.body === pending) { pending = ""; say(""); }
    } else if (data.type === "order.status") {
      statusChanged(data.status);
    } else if (data.type === "error") {
      say(data.message);
      if (input && pending && !input.value) { input.value = pending; }
      pending = "";
    }
  }

  function connect() {
    if (stopped) { return; }
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    var url = scheme + "//" + window.location.host + "/ws/orders/" + encodeURIComponent(publicId) + "/";
    setState(t("connecting"));
    socket = new WebSocket(url);
    socket.onopen = function () {
      delay = 1000;
      setState(t("live"));
      say("");
    };
    socket.onmessage = receive;
    socket.onclose = function (event) {
      socket = null;
      if (stopped) { return; }
      if (event.code === 4403) {
        stopped = true;
        setState(t("unavailable"));
        say(t("signed-out"));
        return;
      }
      setState(t("reconnecting"));
      // back off up to 30 s; the history comes again with the next connection
      window.setTimeout(connect, delay + Math.floor(Math.random() * 500));
      delay = Math.min(delay * 2, 30000);
    };
  }

  if (form && input) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) { say(t("empty-message")); return; }
      if (!socket || socket.readyState !== WebSocket.OPEN) {
        say(t("not-connected"));
        return;
      }
      pending = text;
      socket.send(JSON.stringify({ body: text }));
      input.value = "";
      say("");
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }

  // Images go as a form POST (files do not travel over the socket); the message then comes
  // back over the socket like any other.
  var attach = box.querySelector("[data-chat-image]");
  if (form && attach) {
    attach.addEventListener("change", function () {
      var file = attach.files && attach.files[0];
      if (!file) { return; }
      var data = new FormData();
      data.append("image", file);
      var token = form.querySelector("input[name=csrfmiddlewaretoken]");
      say(t("sending-image"));
      attach.disabled = true;
      fetch(attach.getAttribute("data-upload-url"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" }
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.ok) { say(""); return; }
          say(answer.error || t("image-failed"));
        });
      }).catch(function () {
        say(t("image-offline"));
      }).then(function () {
        attach.value = "";
        attach.disabled = false;
      });
    });
  }

  window.addEventListener("pagehide", function () {
    stopped = true;
    if (socket) { socket.close(); }
  });

  connect();
})();
