// Enlarge a figure: on a phone a figure drawn 720 px wide is shown about half size, and its
// smallest labels shrink to about 5 px. The "Enlarge figure" button under each figure (and a
// tap on the figure itself) opens the frame shown now in a full-screen dialog, at a width at
// which its smallest text is at least MIN_TEXT_PX tall; the reader scrolls to see all of it.
(function () {
  var MIN_TEXT_PX = 11;
  var dialog = null;
  var opener = null;

  // The smallest font size in a frame's SVG and the SVG's width, both in its own units.
  function svgText(src) {
    var svg = decodeURIComponent(src.slice(src.indexOf(",") + 1));
    var sizes = Array.from(svg.matchAll(/font[-a-z]*:\s*([0-9.]+)px/g), function (m) {
      return parseFloat(m[1]);
    });
    var viewBox = /viewBox="[-0-9.]+ [-0-9.]+ ([0-9.]+)/.exec(svg);
    return { smallest: sizes.length ? Math.min.apply(null, sizes) : 0, width: viewBox ? parseFloat(viewBox[1]) : 0 };
  }

  function makeDialog() {
    dialog = document.createElement("dialog");
    dialog.className = "kc-zoom";
    dialog.setAttribute("aria-labelledby", "kc-zoom-title");
    dialog.innerHTML =
      '<div class="kc-zoom-bar"><p id="kc-zoom-title">Figure at full size: scroll to see all of it.</p>' +
      '<button type="button" class="kc-enlarge kc-zoom-close">Close</button></div>' +
      '<div class="kc-zoom-body"><img alt=""></div>';
    dialog.querySelector(".kc-zoom-close").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("close", function () {
      if (opener && opener.focus) opener.focus();
    });
    document.body.appendChild(dialog);
  }

  function open(frame, from) {
    if (!dialog) makeDialog();
    opener = from;
    var image = dialog.querySelector("img");
    image.src = frame.src;
    image.alt = frame.alt;
    var body = dialog.querySelector(".kc-zoom-body");
    dialog.showModal();
    var text = svgText(frame.src);
    var natural = frame.naturalWidth || text.width * (4 / 3);
    var readable = text.smallest > 0 ? (MIN_TEXT_PX / text.smallest) * text.width : natural;
    var roomy = Math.min(body.clientWidth - 16, 1.5 * natural);
    image.style.width = Math.ceil(Math.max(natural, readable, roomy)) + "px";
  }

  // The frame a figure shows now: the visible one in the output the button belongs to.
  function shownFrame(output) {
    return Array.from(output.querySelectorAll("img.kc-frame")).find(function (img) {
      return img.offsetParent !== null;
    });
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element) || (dialog && dialog.contains(target))) return;
    if (target.matches("img.kc-frame")) {
      var output = target.closest(".cell_output");
      open(target, (output && output.querySelector(".kc-enlarge")) || target);
    } else if (target.closest(".kc-enlarge")) {
      var button = target.closest(".kc-enlarge");
      var frame = shownFrame(button.closest(".cell_output") || button.parentElement);
      if (frame) open(frame, button);
    }
  });

  function showButtons() {
    document.querySelectorAll("button.kc-enlarge[hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showButtons);
  } else {
    showButtons();
  }
})();
