/* Before/after reveals on the result page.
   Slider (default): the styled image is clipped at the handle; drag anywhere or use the range.
   Scratch / hover / scroll: a canvas draws the photo and lets the styled picture through a mask:
   - scratch: dragging (mouse, pen, finger) scratches the photo away; arrow keys scratch along a
     path from the keyboard cursor, Enter or Space scratches where it is; "Cover it again" resets;
   - hover: the picture shows through a soft-edged circle where the pointer (or a finger, or the
     keyboard cursor moved with the arrow keys) is;
   - scroll: the picture stays in view (sticky) and is wiped in from the top as the page scrolls
     down (keyboard and touch scrolling work as usual); with prefers-reduced-motion the picture
     appears at once half-way instead of moving with the scroll. */
(function () {
  "use strict";
  var box = document.getElementById("compare");
  if (!box) return;
  var after = document.getElementById("compare-after");
  var handle = document.getElementById("compare-handle");
  var range = document.getElementById("compare-range");
  var canvas = document.getElementById("compare-canvas");
  var cursorEl = document.getElementById("compare-cursor");
  var modes = document.getElementById("reveal-modes");
  var reset = document.getElementById("reveal-reset");
  var help = document.getElementById("reveal-help");
  var room = document.getElementById("reveal-scroll-room");
  var beforeImg = box.querySelector(".compare-before");
  var afterImg = after.querySelector("img, video");  // a clip's before/after are videos
  function natural(el) {
    return el.tagName === "VIDEO" ? [el.videoWidth, el.videoHeight] : [el.naturalWidth, el.naturalHeight];
  }
  // Keep the whole picture in view: no wider than 75vh at its own aspect (set here, not in a
  // style attribute, which the Content-Security-Policy refuses).
  var aw = parseFloat(beforeImg.getAttribute("width")), ah = parseFloat(beforeImg.getAttribute("height"));
  if (aw > 0 && ah > 0) box.style.maxWidth = "min(48rem, calc(75vh * " + aw / ah + "))";
  var reduceMotion = window.matchMedia ? window.matchMedia("(prefers-reduced-motion: reduce)") : { matches: false };

  // --- Slider ---------------------------------------------------------------------------------
  function set(percent) {
    percent = Math.max(0, Math.min(100, percent));
    after.style.clipPath = "inset(0 0 0 " + percent + "%)";
    handle.style.left = percent + "%";
    range.value = percent;
  }
  var mode = "slider";
  var dragging = false;
  box.addEventListener("pointerdown", function (e) {
    if (mode !== "slider") return;
    dragging = true; box.setPointerCapture(e.pointerId); slideTo(e);
  });
  box.addEventListener("pointermove", function (e) { if (mode === "slider" && dragging) slideTo(e); });
  box.addEventListener("pointerup", function () { dragging = false; });
  function slideTo(e) {
    var r = box.getBoundingClientRect();
    set(((e.clientX - r.left) / r.width) * 100);
  }
  range.addEventListener("input", function () { set(parseFloat(range.value)); });
  set(50);

  if (!canvas || !modes || !canvas.getContext) return;

  // --- Canvas modes -----------------------------------------------------------------------------
  var HELP = {
    slider: "Drag across the picture or use the slider (arrow keys when it has focus).",
    scratch: "Drag over the photo to scratch it away. Keyboard: arrow keys scratch, Enter scratches here.",
    hover: "Move the pointer over the picture, or touch it. Keyboard: arrow keys move the window.",
    scroll: "Scroll down the page and the picture appears from the top."
  };
  var ctx = canvas.getContext("2d");
  var mask = document.createElement("canvas");
  var mctx = mask.getContext("2d");
  var layer = document.createElement("canvas");
  var lctx = layer.getContext("2d");
  var W = 0, H = 0;
  var cursor = { x: 0.5, y: 0.5 };  // keyboard cursor, as fractions of the picture
  var last = null;                   // last scratch point, canvas pixels
  var scrollStart = 0;

  function sizeCanvases() {
    var nw = natural(beforeImg)[0], nh = natural(beforeImg)[1];
    var k = Math.min(1, 900 / Math.max(nw, nh));
    W = Math.max(1, Math.round(nw * k)); H = Math.max(1, Math.round(nh * k));
    [canvas, mask, layer].forEach(function (c) { c.width = W; c.height = H; });
  }
  function brush() { return Math.max(8, W * 0.06); }

  function render() {
    ctx.globalCompositeOperation = "source-over";
    ctx.clearRect(0, 0, W, H);
    ctx.drawImage(beforeImg, 0, 0, W, H);
    lctx.globalCompositeOperation = "source-over";
    lctx.clearRect(0, 0, W, H);
    lctx.drawImage(afterImg, 0, 0, W, H);
    lctx.globalCompositeOperation = "destination-in";
    lctx.drawImage(mask, 0, 0);
    ctx.drawImage(layer, 0, 0);
  }
  function clearMask() { mctx.clearRect(0, 0, W, H); }

  function scratchTo(x, y) {
    mctx.globalCompositeOperation = "source-over";
    mctx.strokeStyle = mctx.fillStyle = "#fff";
    mctx.lineCap = "round"; mctx.lineJoin = "round"; mctx.lineWidth = brush() * 2;
    mctx.beginPath();
    if (last) { mctx.moveTo(last.x, last.y); mctx.lineTo(x, y); mctx.stroke(); }
    mctx.beginPath(); mctx.arc(x, y, brush(), 0, Math.PI * 2); mctx.fill();
    last = { x: x, y: y };
    render();
  }
  function spotAt(x, y) {
    clearMask();
    var r = W * 0.16;
    var g = mctx.createRadialGradient(x, y, r * 0.45, x, y, r);  // soft, blurred edge
    g.addColorStop(0, "rgba(255,255,255,1)");
    g.addColorStop(1, "rgba(255,255,255,0)");
    mctx.fillStyle = g;
    mctx.fillRect(0, 0, W, H);
    render();
  }
  function wipe(p) {
    clearMask();
    if (p > 0) {
      var edge = H * 0.08, y = p * (H + edge);
      mctx.fillStyle = "#fff";
      mctx.fillRect(0, 0, W, Math.max(0, y - edge));
      var g = mctx.createLinearGradient(0, y - edge, 0, y);
      g.addColorStop(0, "rgba(255,255,255,1)");
      g.addColorStop(1, "rgba(255,255,255,0)");
      mctx.fillStyle = g;
      mctx.fillRect(0, y - edge, W, edge);
    }
    canvas.setAttribute("data-reveal", p.toFixed(3));
    render();
  }
  function scrollProgress() {
    var distance = Math.max(120, window.innerHeight * 0.6);
    var p = Math.max(0, Math.min(1, (window.scrollY - scrollStart) / distance));
    if (reduceMotion.matches) p = p >= 0.5 ? 1 : 0;  // no movement tied to scrolling
    return p;
  }
  function onScroll() { if (mode === "scroll") wipe(scrollProgress()); }

  function toCanvas(e) {
    var r = canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * W, y: ((e.clientY - r.top) / r.height) * H };
  }
  function showCursor(visible) {
    cursorEl.hidden = !visible;
    cursorEl.style.left = cursor.x * 100 + "%";
    cursorEl.style.top = cursor.y * 100 + "%";
  }

  var scratching = false;
  canvas.addEventListener("pointerdown", function (e) {
    var p = toCanvas(e);
    if (mode === "scratch") {
      scratching = true; last = null; canvas.setPointerCapture(e.pointerId); scratchTo(p.x, p.y);
    } else if (mode === "hover") {
      spotAt(p.x, p.y);
    }
    showCursor(false);
  });
  canvas.addEventListener("pointermove", function (e) {
    var p = toCanvas(e);
    if (mode === "scratch" && scratching) scratchTo(p.x, p.y);
    else if (mode === "hover") spotAt(p.x, p.y);
  });
  function endScratch() { scratching = false; last = null; }
  canvas.addEventListener("pointerup", endScratch);
  canvas.addEventListener("pointercancel", endScratch);
  canvas.addEventListener("pointerleave", function (e) {
    // A mouse leaving hides the window; a finger lifting leaves it where it was.
    if (mode === "hover" && e.pointerType === "mouse") { clearMask(); render(); }
  });

  canvas.addEventListener("keydown", function (e) {
    if (mode !== "scratch" && mode !== "hover") return;
    var step = e.shiftKey ? 0.12 : 0.04;
    var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    var mv = moves[e.key];
    if (!mv && e.key !== "Enter" && e.key !== " ") return;
    e.preventDefault();
    if (mode === "scratch") { last = { x: cursor.x * W, y: cursor.y * H }; }
    if (mv) {
      cursor.x = Math.max(0, Math.min(1, cursor.x + mv[0]));
      cursor.y = Math.max(0, Math.min(1, cursor.y + mv[1]));
    }
    if (mode === "scratch") { scratchTo(cursor.x * W, cursor.y * H); last = null; }
    else spotAt(cursor.x * W, cursor.y * H);
    showCursor(true);
  });
  canvas.addEventListener("blur", function () { showCursor(false); });

  function setMode(next) {
    mode = next;
    box.setAttribute("data-mode", mode);
    var onCanvas = mode !== "slider";
    canvas.hidden = !onCanvas;
    after.hidden = onCanvas;
    handle.hidden = onCanvas;
    range.hidden = onCanvas;
    reset.hidden = mode !== "scratch";
    room.hidden = mode !== "scroll";
    help.textContent = HELP[mode];
    box.style.cursor = onCanvas ? "default" : "";
    showCursor(false);
    if (!onCanvas) return;
    sizeCanvases();
    clearMask();
    cursor = { x: 0.5, y: 0.5 };
    if (mode === "scroll") {
      // Start with the picture at its sticky place, so all the scrolling that follows reveals it.
      window.scrollTo(0, Math.max(0, box.getBoundingClientRect().top + window.scrollY - 16));
      scrollStart = window.scrollY;
      wipe(0);
    } else render();
  }

  function ready() {
    modes.hidden = false;
    modes.addEventListener("change", function (e) { if (e.target.name === "reveal") setMode(e.target.value); });
    reset.addEventListener("click", function () { clearMask(); render(); canvas.focus(); });
    window.addEventListener("scroll", onScroll, { passive: true });
    if (reduceMotion.addEventListener) reduceMotion.addEventListener("change", onScroll);
    var checked = modes.querySelector("input[name=reveal]:checked");
    setMode(checked ? checked.value : "slider");
  }
  function loaded(el) {
    return el.tagName === "VIDEO" ? el.readyState >= 2 : el.complete && el.naturalWidth > 0;
  }
  var pending = [beforeImg, afterImg].filter(function (el) { return !loaded(el); });
  if (!pending.length) ready();
  else {
    var left = pending.length;
    pending.forEach(function (el) {
      el.addEventListener(el.tagName === "VIDEO" ? "loadeddata" : "load", function () { if (--left === 0) ready(); });
    });
  }
})();
