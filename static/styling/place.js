/* Placement editor: drag and scale the styled picture inside the bleed box, with trim,
 * safe-zone and mask overlays; the mockup and the print-quality badge come from the server. */
(function () {
  "use strict";
  var form = document.getElementById("place-form");
  if (!form) return;
  var variants = JSON.parse(document.getElementById("variant-data").textContent);
  var byId = {};
  variants.forEach(function (v) { byId[String(v.id)] = v; });
  var editor = document.getElementById("placement-editor");
  var pic = document.getElementById("placement-image");
  var select = form.elements.variant;
  var scale = form.elements.scale;
  var ox = form.elements.offset_x;
  var oy = form.elements.offset_y;
  var scaleOut = document.getElementById("scale-value");
  var mockup = document.getElementById("mockup");
  var quality = document.getElementById("quality");
  var addButton = document.getElementById("add-design");
  var licenceBlocked = !!document.getElementById("licence-gate");
  var imageAspect = parseFloat(form.dataset.imageWidth) / parseFloat(form.dataset.imageHeight);
  var timer = null;
  var requestNo = 0;

  function variant() { return byId[select.value]; }

  function box(el, b) {
    el.style.left = b.x * 100 + "%"; el.style.top = b.y * 100 + "%";
    el.style.width = b.w * 100 + "%"; el.style.height = b.h * 100 + "%";
  }

  function drawOverlays() {
    var geo = variant().geometry;
    editor.style.aspectRatio = String(geo.aspect);
    box(document.getElementById("overlay-trim"), geo.trim);
    box(document.getElementById("overlay-safe"), geo.safe);
    box(document.getElementById("overlay-bleed"), geo.trim);
    var masks = document.getElementById("overlay-masks");
    masks.innerHTML = "";
    geo.masks.forEach(function (m) {
      var el = document.createElement("div");
      el.className = "overlay overlay-mask";
      el.title = m.kind + " (not printed)";
      el.innerHTML = "<span></span>";
      el.firstChild.textContent = m.kind;
      box(el, m);
      masks.appendChild(el);
    });
  }

  /* Same geometry as styling.placement.image_rect_mm, in fractions of the bleed box. */
  function drawImage() {
    var s = parseFloat(scale.value), A = variant().geometry.aspect, w, h;
    if (imageAspect > A) { h = s; w = s * imageAspect / A; } else { w = s; h = s * A / imageAspect; }
    var cx = 0.5 + parseFloat(ox.value), cy = 0.5 + parseFloat(oy.value);
    box(pic, { x: cx - w / 2, y: cy - h / 2, w: w, h: h });
    scaleOut.textContent = Math.round(s * 100) + "%";
  }

  function query() {
    return "?variant=" + encodeURIComponent(select.value) + "&scale=" + scale.value +
      "&offset_x=" + ox.value + "&offset_y=" + oy.value;
  }

  function refreshServer() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = query(), mine = ++requestNo;
      mockup.src = form.dataset.previewUrl + q;
      fetch(form.dataset.qualityUrl + q, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (mine !== requestNo) return;
          if (data.errors) { quality.textContent = "Move the picture back onto the product."; return; }
          var chip = document.createElement("span");
          chip.className = "tier-chip";
          chip.textContent = data.dpi + " DPI · " + data.tier_label;
          quality.replaceChildren(chip, document.createTextNode(" " + data.message));
          quality.classList.toggle("is-ok", data.ok);
          quality.classList.toggle("is-bad", !data.ok);
          ["sharp", "good", "too_small"].forEach(function (t) {
            quality.classList.toggle("tier-" + t, data.tier === t);
          });
          quality.dataset.dpi = data.dpi;
          quality.dataset.tier = data.tier;
          addButton.disabled = !data.ok || licenceBlocked;
        });
    }, 250);
  }

  function update() { drawOverlays(); drawImage(); refreshServer(); }

  function clamp(v) { return Math.max(-1, Math.min(1, v)); }
  var drag = null;
  editor.addEventListener("pointerdown", function (e) {
    drag = { x: e.clientX, y: e.clientY, ox: parseFloat(ox.value), oy: parseFloat(oy.value) };
    editor.setPointerCapture(e.pointerId);
    editor.classList.add("is-dragging");
  });
  editor.addEventListener("pointermove", function (e) {
    if (!drag) return;
    var r = editor.getBoundingClientRect();
    ox.value = clamp(drag.ox + (e.clientX - drag.x) / r.width).toFixed(4);
    oy.value = clamp(drag.oy + (e.clientY - drag.y) / r.height).toFixed(4);
    drawImage();
  });
  function endDrag() { if (drag) { drag = null; editor.classList.remove("is-dragging"); refreshServer(); } }
  editor.addEventListener("pointerup", endDrag);
  editor.addEventListener("pointercancel", endDrag);
  editor.addEventListener("wheel", function (e) {
    e.preventDefault();
    var s = parseFloat(scale.value) * (e.deltaY < 0 ? 1.05 : 1 / 1.05);
    scale.value = Math.max(0.25, Math.min(4, s)).toFixed(2);
    drawImage(); refreshServer();
  }, { passive: false });
  editor.addEventListener("keydown", function (e) {
    var step = e.shiftKey ? 0.05 : 0.01, moved = true;
    if (e.key === "ArrowLeft") ox.value = clamp(parseFloat(ox.value) - step).toFixed(4);
    else if (e.key === "ArrowRight") ox.value = clamp(parseFloat(ox.value) + step).toFixed(4);
    else if (e.key === "ArrowUp") oy.value = clamp(parseFloat(oy.value) - step).toFixed(4);
    else if (e.key === "ArrowDown") oy.value = clamp(parseFloat(oy.value) + step).toFixed(4);
    else moved = false;
    if (moved) { e.preventDefault(); drawImage(); refreshServer(); }
  });
  scale.addEventListener("input", function () { drawImage(); refreshServer(); });
  select.addEventListener("change", update);
  document.getElementById("reset-placement").addEventListener("click", function () {
    scale.value = 1; ox.value = 0; oy.value = 0; drawImage(); refreshServer();
  });
  update();
})();
