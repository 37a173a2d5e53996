// trustfund: a unit's page on the static site. The statement is stored encrypted
// (AES-GCM); its key comes from the unit's access code through PBKDF2-SHA256 and HKDF-SHA256
// (trustfund/ops/unitpages.py). The code is read from the address's fragment (#PAGE.CODE),
// which browsers never send to the host, or typed in; nothing is sent anywhere.
(function () {
  "use strict";
  var app = document.getElementById("unit-app");
  if (!app) return;
  var form = document.getElementById("unit-form");
  var pageInput = document.getElementById("unit-page");
  var codeInput = document.getElementById("unit-code");
  var status = document.getElementById("unit-status");
  var out = document.getElementById("unit-statement");
  var enc = new TextEncoder();
  var ALPHABET = /^[A-Z2-7]{13}$/;

  function say(message, error) {
    status.textContent = message;
    status.className = error ? "note error" : "note";
  }
  function bytes(b64) {
    var raw = atob(b64), arr = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) arr[i] = raw.charCodeAt(i);
    return arr;
  }
  function hex(text) {
    var arr = new Uint8Array(text.length / 2);
    for (var i = 0; i < arr.length; i++) arr[i] = parseInt(text.substr(i * 2, 2), 16);
    return arr;
  }
  function normal(code) { return (code || "").replace(/[^0-9A-Za-z]/g, "").toUpperCase(); }
  function node(tag, text, cls) {
    var n = document.createElement(tag);
    if (text !== undefined && text !== null) n.textContent = text;
    if (cls) n.className = cls;
    return n;
  }
  function table(t) {
    var section = node("section", null, "tbl");
    section.appendChild(node("h3", t.title));
    if (t.note) section.appendChild(node("p", t.note, "note"));
    if (!t.rows.length) { section.appendChild(node("p", "无", "empty")); return section; }
    var tbl = node("table", null, t.columns.length <= 3 ? "rt keep" : "rt"), head = node("thead"), tr = node("tr");
    t.columns.forEach(function (c, i) { tr.appendChild(node("th", c, t.kinds[i])); });
    head.appendChild(tr); tbl.appendChild(head);
    var body = node("tbody");
    t.rows.concat(t.total ? [t.total] : []).forEach(function (row, r) {
      var line = node("tr", null, t.total && r === t.rows.length ? "total" : "");
      row.forEach(function (cell, i) {
        var td = node("td", cell, t.kinds[i]);
        td.setAttribute("data-label", t.columns[i]);
        line.appendChild(td);
      });
      body.appendChild(line);
    });
    tbl.appendChild(body);
    section.appendChild(tbl);
    return section;
  }
  function show(statement) {
    out.textContent = "";
    out.appendChild(node("h2", "房号 " + statement.unit));
    out.appendChild(node("p", "数据截至 " + statement.asof, "note"));
    statement.years.forEach(function (year) {
      out.appendChild(node("h2", year.label));
      if (year.note) out.appendChild(node("p", year.note, "note"));
      year.tables.forEach(function (t) { out.appendChild(table(t)); });
    });
  }
  async function open(page, code) {
    out.textContent = "";
    page = (page || "").toUpperCase();
    code = normal(code);
    if (!ALPHABET.test(page) || code.length < 6) { say("请输入通知单上的页面编号和访问码。", true); return; }
    say("正在解密……");
    var response;
    try {
      response = await fetch(app.getAttribute("data-base") + page + ".json", { cache: "no-cache", credentials: "omit" });
    } catch (e) { say("无法读取，请检查网络后重试。", true); return; }
    if (!response.ok) { say("页面编号或访问码不正确。访问码遗失可向业委会申请更换。", true); return; }
    try {
      var blob = await response.json();
      var base = await crypto.subtle.importKey("raw", enc.encode(code), "PBKDF2", false, ["deriveBits"]);
      var digest = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: hex(blob.salt), iterations: blob.iter }, base, 256);
      var ikm = await crypto.subtle.importKey("raw", digest, "HKDF", false, ["deriveKey"]);
      var key = await crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: enc.encode("trustfund unit page key v1") },
        ikm, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
      var plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes(blob.nonce), additionalData: enc.encode(page) }, key, bytes(blob.ct));
      show(JSON.parse(new TextDecoder().decode(plain)));
      say("");
    } catch (e) {
      out.textContent = "";
      say("页面编号或访问码不正确。访问码遗失可向业委会申请更换。", true);
    }
  }
  function fromHash() {
    var hash = decodeURIComponent((location.hash || "").slice(1));
    var dot = hash.indexOf(".");
    if (dot < 0) return false;
    pageInput.value = hash.slice(0, dot);
    codeInput.value = hash.slice(dot + 1);
    open(pageInput.value, codeInput.value);
    return true;
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    open(pageInput.value, codeInput.value);
  });
  window.addEventListener("hashchange", fromHash);
  if (!window.crypto || !crypto.subtle) {
    say("此浏览器不支持解密（需要 HTTPS 访问和较新的浏览器）。", true);
    return;
  }
  fromHash();
})();
