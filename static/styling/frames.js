/* Clip result: the frame scrubber. The range and the thumbnails choose a frame; the preview
 * shows it and the form posts its number. No inline script or style (the CSP refuses them). */
(function () {
  "use strict";
  var picker = document.getElementById("frame-picker");
  if (!picker) return;
  var range = document.getElementById("frame-range");
  var preview = document.getElementById("frame-preview");
  var label = document.getElementById("frame-label");
  var input = document.getElementById("frame-input");
  var base = picker.dataset.frameBase;
  var total = parseInt(picker.dataset.frames, 10);
  var thumbs = picker.querySelectorAll(".frame-thumb");

  function show(i) {
    i = Math.max(0, Math.min(total - 1, i));
    range.value = String(i);
    input.value = String(i);
    preview.src = base.replace(/\/frames\/0\.png$/, "/frames/" + i + ".png");
    label.textContent = "Frame " + (i + 1) + " of " + total;
    thumbs.forEach(function (b) {
      b.classList.toggle("is-current", parseInt(b.dataset.frame, 10) === i);
    });
  }

  range.addEventListener("input", function () { show(parseInt(range.value, 10)); });
  thumbs.forEach(function (b) {
    b.addEventListener("click", function () { show(parseInt(b.dataset.frame, 10)); });
  });
  show(0);

  // The before/after videos play together: the styled one follows the original's clock.
  var before = document.getElementById("clip-before");
  var after = document.getElementById("clip-after");
  if (before && after) {
    before.addEventListener("timeupdate", function () {
      if (Math.abs(after.currentTime - before.currentTime) > 0.15) after.currentTime = before.currentTime;
    });
  }
})();
