// TelnetKit browser terminal: xterm.js connected to the server's shell over a WebSocket.
// Protocol (docs/web-terminal.md): binary frames both ways carry the terminal's bytes (UTF-8);
// text frames from the page are JSON control messages: {"type":"resize","cols":N,"rows":N}.
(function () {
  "use strict";
  var status = document.getElementById("status");
  var reconnect = document.getElementById("reconnect");
  var term = new Terminal({ cursorBlink: true, convertEol: false, scrollback: 5000 });
  var fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(document.getElementById("terminal"));
  fit.fit();
  var encoder = new TextEncoder();
  var state = { term: term, socket: null, closed: false };
  window.telnetkit = state;

  function send(data) {
    var socket = state.socket;
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(data);
  }

  function sendSize() {
    send(JSON.stringify({ type: "resize", cols: term.cols, rows: term.rows }));
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var base = location.pathname.endsWith("/") ? location.pathname : location.pathname + "/";
    var url = scheme + "//" + location.host + base + "ws?cols=" + term.cols + "&rows=" + term.rows;
    var socket = new WebSocket(url);
    socket.binaryType = "arraybuffer";
    state.socket = socket;
    state.closed = false;
    status.hidden = true;
    socket.onmessage = function (event) {
      if (event.data instanceof ArrayBuffer) term.write(new Uint8Array(event.data));
    };
    socket.onclose = function () {
      if (state.socket !== socket) return;
      state.closed = true;
      term.write("\r\n\x1b[0mConnection closed.\r\n");
      status.hidden = false;
    };
    socket.onopen = function () {
      term.focus();
    };
  }

  term.onData(function (data) { send(encoder.encode(data)); });
  term.onBinary(function (data) {
    var bytes = new Uint8Array(data.length);
    for (var i = 0; i < data.length; i++) bytes[i] = data.charCodeAt(i) & 0xff;
    send(bytes);
  });
  term.onResize(sendSize);
  window.addEventListener("resize", function () { fit.fit(); });
  reconnect.addEventListener("click", function () {
    term.reset();
    connect();
  });
  connect();
})();
