/* Upload page: drag and drop, client-side checks and preview, Cropper.js crop box.
 * The server re-validates everything; these checks only save a pointless upload. */
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form) return;
  var input = form.querySelector('input[type="file"]');
  var drop = document.getElementById("dropzone");
  var area = document.getElementById("crop-area");
  var img = document.getElementById("crop-image");
  var aspect = document.getElementById("aspect");
  var sizeLabel = document.getElementById("crop-size");
  var clientError = document.getElementById("client-error");
  var maxBytes = parseInt(form.dataset.maxBytes, 10);
  var maxPixels = parseInt(form.dataset.maxPixels, 10);
  var minSide = parseInt(form.dataset.minSide, 10);
  var cropper = null;
  var objectUrl = null;
  var fields = ["x", "y", "w", "h"].map(function (k) { return form.elements["crop_" + k]; });

  function showError(text) {
    clientError.textContent = text;
    clientError.hidden = !text;
  }

  function ratio() {
    var opt = aspect.options[aspect.selectedIndex];
    var parts = (opt && opt.dataset.aspect || "").split("/");
    return parts.length === 2 ? parseFloat(parts[0]) / parseFloat(parts[1]) : NaN;
  }

  function clearCrop() { fields.forEach(function (f) { f.value = ""; }); }

  function load(file) {
    showError("");
    clearCrop();
    if (cropper) { cropper.destroy(); cropper = null; }
    if (objectUrl) { URL.revokeObjectURL(objectUrl); objectUrl = null; }
    area.hidden = true;
    if (!file) return;
    if (file.size > maxBytes) {
      showError("The file is larger than " + Math.round(maxBytes / 1048576) + " MB. Please upload a smaller image.");
      return;
    }
    objectUrl = URL.createObjectURL(file);
    img.onload = function () {
      var w = img.naturalWidth, h = img.naturalHeight;
      if (w * h > maxPixels) {
        showError("The image is " + w + "x" + h + " pixels; the limit is " + maxPixels / 1e6 + " megapixels.");
      } else if (Math.min(w, h) < minSide) {
        showError("The image is only " + w + "x" + h + " pixels; each side needs at least " + minSide + " pixels.");
      }
      area.hidden = false;
      cropper = new Cropper(img, {
        viewMode: 1, autoCropArea: 1, aspectRatio: ratio(), checkOrientation: false,
        responsive: true, zoomable: false, background: false,
        crop: function (e) {
          sizeLabel.textContent = Math.round(e.detail.width) + " × " + Math.round(e.detail.height) + " px";
        }
      });
    };
    img.onerror = function () {
      // The browser cannot preview it (e.g. TIFF): upload without crop, the server decides.
      area.hidden = true;
      showError("");
    };
    img.src = objectUrl;
  }

  input.addEventListener("change", function () { load(input.files[0]); });
  aspect.addEventListener("change", function () { if (cropper) cropper.setAspectRatio(ratio()); });
  ["dragenter", "dragover"].forEach(function (t) {
    drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("is-over"); });
  });
  ["dragleave", "drop"].forEach(function (t) {
    drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.remove("is-over"); });
  });
  drop.addEventListener("drop", function (e) {
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      load(input.files[0]);
    }
  });
  form.addEventListener("submit", function (e) {
    if (!input.files.length) { e.preventDefault(); showError("Please choose a photo to upload."); return; }
    if (!clientError.hidden) { e.preventDefault(); return; }
    if (cropper) {
      var d = cropper.getData(true);
      fields[0].value = Math.max(0, d.x); fields[1].value = Math.max(0, d.y);
      fields[2].value = d.width; fields[3].value = d.height;
    }
    form.querySelector('button[type="submit"]').disabled = true;
  });
})();
