/* Before/after slider: the styled image is clipped at the handle; drag anywhere or use the range. */
(function () {
  "use strict";
  var box = document.getElementById("compare");
  if (!box) return;
  var after = document.getElementById("compare-after");
  var handle = document.getElementById("compare-handle");
  var range = document.getElementById("compare-range");
  function set(percent) {
    percent = Math.max(0, Math.min(100, percent));
    after.style.clipPath = "inset(0 0 0 " + percent + "%)";
    handle.style.left = percent + "%";
    range.value = percent;
  }
  function fromPointer(e) {
    var r = box.getBoundingClientRect();
    set(((e.clientX - r.left) / r.width) * 100);
  }
  var dragging = false;
  box.addEventListener("pointerdown", function (e) { dragging = true; box.setPointerCapture(e.pointerId); fromPointer(e); });
  box.addEventListener("pointermove", function (e) { if (dragging) fromPointer(e); });
  box.addEventListener("pointerup", function () { dragging = false; });
  range.addEventListener("input", function () { set(parseFloat(range.value)); });
  set(50);
})();
