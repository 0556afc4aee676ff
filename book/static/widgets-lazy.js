// The Jupyter widget manager is 3.6 MB of JavaScript (0.9 MB compressed), and the frames of a
// page's figures can be several hundred kB more. Load both only when a reader comes near an
// interactive figure or starts to use the page, so the text shows at once on a slow
// connection and a phone's processor is not kept busy before it is needed.
(function () {
  var here = document.currentScript.src.split("?")[0];
  var base = here.slice(0, here.lastIndexOf("/") + 1);
  var chain = ["vendor/require.js", "widgets-paths.js", "vendor/html-manager/embed-amd.js"].map(
    function (path) {
      return base + path;
    }
  );
  // Scrolling the page itself (not a sidebar, whose scroll events do not reach the window
  // outside the capture phase), or any input, counts as a reader using the page.
  var events = ["wheel", "keydown", "pointerdown", "touchstart", "focusin"];
  var started = false;
  var observer = null;

  function load(index) {
    if (index === chain.length) return;
    var script = document.createElement("script");
    script.src = chain[index];
    script.onload = function () {
      load(index + 1);
    };
    document.head.appendChild(script);
  }

  function start() {
    if (started) return;
    started = true;
    // The page's figure data comes first: the manager reads it as it starts.
    var state = document.querySelector('meta[name="kc-widget-state"]');
    if (state) chain.unshift(new URL(state.content, document.baseURI).href);
    events.forEach(function (name) {
      window.removeEventListener(name, start, true);
    });
    window.removeEventListener("scroll", start);
    if (observer) observer.disconnect();
    load(0);
  }

  function watchFigures() {
    var views = document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"]'
    );
    if (!("IntersectionObserver" in window)) return start();
    observer = new IntersectionObserver(
      function (entries) {
        if (entries.some(function (entry) { return entry.isIntersecting; })) start();
      },
      { rootMargin: "800px 0px" }
    );
    views.forEach(function (view) {
      observer.observe(view.parentElement);
    });
  }

  events.forEach(function (name) {
    window.addEventListener(name, start, { capture: true, passive: true });
  });
  window.addEventListener("scroll", start, { passive: true });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watchFigures);
  } else {
    watchFigures();
  }
})();
