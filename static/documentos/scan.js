// /verificar/: scan a document's QR with the phone's camera where the browser has BarcodeDetector;
// elsewhere the section stays hidden and the typed code is the way. Only our own /verificar/ path is
// followed (a QR pointing elsewhere is refused); a bare seal (a TAM printed before the rail) goes to
// the TAM's seal check.
(function () {
  "use strict";
  var script = document.currentScript;
  var box = document.getElementById("scan");
  if (!box || !("BarcodeDetector" in window) || !navigator.mediaDevices) { return; }
  box.hidden = false;
  var video = document.getElementById("scan-video");
  var message = document.getElementById("scan-message");
  function say(key) { message.textContent = script.dataset[key]; }
  function follow(text, stream) {
    var match = /\/verificar\/([0-9A-Za-z\- ]{16,19})(#.*)?$/.exec(text);
    if (match) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      window.location.assign("/verificar/" + encodeURIComponent(match[1]) + (match[2] || ""));
      return true;
    }
    var sealForm = document.getElementById("scan-seal");
    if (text.charAt(0) === "{" && sealForm) {
      stream.getTracks().forEach(function (t) { t.stop(); });
      sealForm.elements.seal.value = text;
      sealForm.submit();
      return true;
    }
    say("notOurs");
    return false;
  }
  document.getElementById("scan-start").addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      say("looking");
      function tick() {
        detector.detect(video).then(function (codes) {
          if (codes.length && follow(codes[0].rawValue, stream)) { return; }
          window.requestAnimationFrame(tick);
        }).catch(function () { window.requestAnimationFrame(tick); });
      }
      tick();
    }).catch(function () { say("noCamera"); });
  });
})();
