// Counter: scan the code on the sheet with the phone camera where the browser can
// (BarcodeDetector); a USB scanner simply types the code into the box.
(function () {
  var button = document.getElementById("scan");
  var video = document.getElementById("scan-video");
  var input = document.getElementById("q");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({formats: ["qr_code", "code_128"]});
    navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      video.play();
      function look() {
        detector.detect(video).then(function (codes) {
          if (codes.length) {
            stream.getTracks().forEach(function (t) { t.stop(); });
            input.value = codes[0].rawValue;
            input.form.submit();
          } else {
            requestAnimationFrame(look);
          }
        }).catch(function () { requestAnimationFrame(look); });
      }
      look();
    }).catch(function () { button.hidden = true; });
  });
})();
