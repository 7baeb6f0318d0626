/*
 * govcrawl's in-page measurements for the browser pass (crawler/browser.py).
 *
 * Injected once per document (top page and same-origin iframes) as plain script;
 * defines window.__govcrawl and nothing else. Every function only *measures* and
 * returns plain JSON; thresholds are passed in from Python, which documents them
 * and turns the results into A11yNode records. Nothing here decides severity.
 *
 * Returned node shape: {sel, html, chain, pattern, detail}, where
 *   sel     a CSS selector that finds the element (unique id, else nth-of-type path),
 *   chain   [[tag, id, class], ...] from <html> down to the element, so Python can
 *           classify the template region with the same rules as the static pass,
 *   pattern tag.class path of the element and two ancestors: one node per pattern,
 *           because a template repeats the same offence on every list row.
 */
(function () {
  "use strict";
  if (window.__govcrawl) return;
  var G = {};
  window.__govcrawl = G;

  var TEXT_TAGS = {P: 1, LI: 1, TD: 1, TH: 1, DD: 1, DT: 1, SPAN: 1, A: 1, DIV: 1, FONT: 1, LABEL: 1};
  var BLOCK_TEXT = {P: 1, LI: 1, TD: 1, TH: 1, DD: 1, DT: 1, DIV: 1};
  var MAX_ELEMENTS = 6000; // bound on elements walked per rule (huge pages stay fast)
  var CONTROL_WORDS = /暂停|停止|关闭|隐藏|pause|stop|close|hide/i;

  function all(doc) {
    var list = (doc || document).body ? (doc || document).body.getElementsByTagName("*") : [];
    var out = [];
    for (var i = 0; i < list.length && i < MAX_ELEMENTS; i++) out.push(list[i]);
    return out;
  }

  G.path = function (el) {
    var doc = el.ownerDocument, parts = [];
    while (el && el.nodeType === 1 && el !== doc.documentElement) {
      if (el.id) {
        var idSel = "#" + CSS.escape(el.id);
        try {
          if (doc.querySelectorAll(idSel).length === 1) { parts.unshift(idSel); break; }
        } catch (e) { /* unusual id: fall through to the positional path */ }
      }
      var s = el.localName, p = el.parentElement;
      if (p) {
        var n = 0, k = 0;
        for (var c = p.firstElementChild; c; c = c.nextElementSibling) {
          if (c.localName === el.localName) { n++; if (c === el) k = n; }
        }
        if (n > 1) s += ":nth-of-type(" + k + ")";
      }
      parts.unshift(s);
      el = p;
    }
    return parts.join(" > ") || "html";
  };

  function one(el) {
    var s = el.localName, cls = (el.getAttribute("class") || "").trim().split(/\s+/).filter(Boolean);
    return cls.length ? s + "." + cls.slice(0, 2).join(".") : s;
  }

  G.pattern = function (el) {
    var parts = [];
    for (var i = 0; el && el.nodeType === 1 && i < 3; i++, el = el.parentElement) parts.unshift(one(el));
    return parts.join(" > ");
  };

  G.chain = function (el) {
    var out = [];
    for (; el && el.nodeType === 1; el = el.parentElement) {
      out.unshift([el.localName, el.getAttribute("id"), el.getAttribute("class")]);
    }
    return out;
  };

  G.node = function (el, detail) {
    var html = "";
    try { html = el.outerHTML.slice(0, 300); } catch (e) { /* detached */ }
    return {sel: G.path(el), html: html, chain: G.chain(el), pattern: G.pattern(el), detail: detail || ""};
  };

  G.chainOf = function (selector) {
    try {
      var el = document.querySelector(selector);
      return el ? G.chain(el) : null;
    } catch (e) { return null; }
  };

  function visible(el, cs) {
    cs = cs || getComputedStyle(el);
    if (cs.visibility !== "visible" || cs.display === "none" || parseFloat(cs.opacity) === 0) return false;
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }
  G.visible = function (el) { return visible(el); };

  function ownText(el) {
    var t = "";
    for (var c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 3) t += c.data;
    return t.replace(/\s+/g, "");
  }

  function firstTextNode(el) {
    var best = null;
    for (var c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3 && c.data.trim() && (!best || c.data.length > best.data.length)) best = c;
    }
    return best;
  }

  function fmt(x) { return String(Math.round(x * 10) / 10); }

  function wmedian(pairs) {
    if (!pairs.length) return null;
    pairs.sort(function (a, b) { return a[0] - b[0]; });
    var total = 0, i;
    for (i = 0; i < pairs.length; i++) total += pairs[i][1];
    var acc = 0;
    for (i = 0; i < pairs.length; i++) { acc += pairs[i][1]; if (acc * 2 >= total) return pairs[i][0]; }
    return pairs[pairs.length - 1][0];
  }

  /* Text size and line spacing of visible text-bearing elements (own text of >= 2 characters). */
  G.text = function (minFont, minRatio) {
    var small = {}, tight = {}, fonts = [], ratios = [], normal = 0, measured = 0;
    var els = all();
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!TEXT_TAGS[el.tagName]) continue;
      var text = ownText(el);
      if (text.length < 2) continue;
      var cs = getComputedStyle(el);
      if (!visible(el, cs)) continue;
      var fs = parseFloat(cs.fontSize);
      if (!(fs > 0)) continue;
      measured++;
      fonts.push([fs, text.length]);
      if (fs < minFont) {
        var p = G.pattern(el);
        if (!small[p]) small[p] = G.node(el, fmt(fs) + "px");
      }
      if (!BLOCK_TEXT[el.tagName]) continue;
      var node = firstTextNode(el);
      if (!node) continue;
      var range = document.createRange();
      range.selectNodeContents(node);
      var rects = range.getClientRects(), tops = {}, lines = 0;
      for (var j = 0; j < rects.length; j++) {
        var top = Math.round(rects[j].top);
        if (!tops[top] && rects[j].width > 0) { tops[top] = 1; lines++; }
      }
      var ratio;
      if (cs.lineHeight === "normal") {
        normal += text.length;
        if (!rects.length) continue;
        ratio = rects[0].height / fs; // the font's own line spacing, as rendered here
      } else {
        ratio = parseFloat(cs.lineHeight) / fs;
        if (lines >= 2 && ratio < minRatio) {
          var q = G.pattern(el);
          if (!tight[q]) {
            tight[q] = G.node(el, "line-height " + fmt(parseFloat(cs.lineHeight)) + "px / font-size " +
              fmt(fs) + "px = " + ratio.toFixed(2));
          }
        }
      }
      ratios.push([ratio, text.length]);
    }
    var chars = 0;
    for (var k = 0; k < fonts.length; k++) chars += fonts[k][1];
    return {
      small: Object.values(small).slice(0, 60),
      tight: Object.values(tight).slice(0, 60),
      metrics: {
        body_font_px: wmedian(fonts),
        line_height_ratio: ratios.length ? Math.round(wmedian(ratios) * 100) / 100 : null,
        line_height_normal_share: chars ? Math.round(normal / chars * 100) / 100 : null,
        text_elements: measured
      }
    };
  };

  /* position:fixed layers that cover content (not a full-width bar at the top edge, not a small button). */
  G.floating = function (minShare) {
    var vw = innerWidth, vh = innerHeight, out = [], taken = [];
    var els = all();
    for (var i = 0; i < els.length; i++) {
      var el = els[i], cs = getComputedStyle(el);
      if (cs.position !== "fixed") continue;
      if (!visible(el, cs)) continue;
      var inside = false;
      for (var t = 0; t < taken.length; t++) if (taken[t].contains(el)) inside = true;
      if (inside) continue;
      var r = el.getBoundingClientRect();
      var w = Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0));
      var h = Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
      var share = w * h / (vw * vh);
      if (share <= minShare) continue;
      if (r.top <= 1 && r.width >= 0.9 * vw && r.height <= 0.25 * vh) continue; // header / nav bar
      taken.push(el);
      out.push(G.node(el, "position:fixed " + Math.round(r.width) + "x" + Math.round(r.height) +
        "px, " + (share * 100).toFixed(1) + "% of the viewport"));
    }
    return out;
  };

  /* Positions of positioned elements and scroll offsets of scrolling boxes, for movement detection. */
  G.sample = function () {
    var els = all(), snap = [];
    for (var i = 0; i < els.length; i++) {
      var el = els[i], cs = getComputedStyle(el);
      var positioned = cs.position === "fixed" || cs.position === "absolute";
      var scroller = el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;
      if (!positioned && !scroller && el.tagName !== "MARQUEE") continue;
      var r = el.getBoundingClientRect();
      var fixed = cs.position === "fixed";
      snap.push({el: el, x: r.left + (fixed ? 0 : scrollX), y: r.top + (fixed ? 0 : scrollY),
        sl: el.scrollLeft, st: el.scrollTop, t: performance.now()});
    }
    G._samples = (G._samples || []).concat([snap]);
    return snap.length;
  };

  /* Number of elements that moved in every interval between the samples taken so far. */
  G.moving = function () {
    var s = G._samples || [];
    if (s.length < 2) return 0;
    var moved = null;
    for (var k = 1; k < s.length; k++) {
      var prev = new Map(), now = new Set();
      s[k - 1].forEach(function (e) { prev.set(e.el, e); });
      s[k].forEach(function (e) {
        var p = prev.get(e.el);
        if (p && (Math.abs(p.x - e.x) + Math.abs(p.y - e.y) > 2 || Math.abs(p.sl - e.sl) + Math.abs(p.st - e.st) > 2)) {
          now.add(e.el);
        }
      });
      moved = moved === null ? now : new Set(Array.from(moved).filter(function (e) { return now.has(e); }));
    }
    // keep the outermost mover only (a moving box moves its children too)
    G._moving = Array.from(moved).filter(function (el) {
      for (var a = el.parentElement; a; a = a.parentElement) if (moved.has(a)) return false;
      return visible(el);
    });
    return G._moving.length;
  };

  function controlNear(el) {
    var a = el;
    for (var up = 0; a && up < 4; up++, a = a.parentElement) {
      var c = a.querySelectorAll("button,a,input,[role=button],img,[onclick]");
      for (var i = 0; i < c.length && i < 60; i++) {
        var x = c[i];
        var words = (x.textContent || "") + " " + (x.getAttribute("aria-label") || "") + " " +
          (x.getAttribute("title") || "") + " " + (x.getAttribute("value") || "") + " " + (x.getAttribute("alt") || "");
        if (CONTROL_WORDS.test(words)) return true;
      }
      if (a === document.body) break;
    }
    return false;
  }

  function hoverOnly(el) {
    for (var a = el; a && a !== document.body; a = a.parentElement) {
      if (/stop|clearInterval|clearTimeout/i.test((a.getAttribute("onmouseover") || "") + (a.getAttribute("onmouseenter") || ""))) return true;
    }
    return false;
  }

  /* Moving content: marquee, long/infinite CSS animations and script-moved elements. */
  G.motion = function (minMs, minArea) {
    var out = [], floats = [], seen = new Set();
    function add(el, what) {
      if (seen.has(el)) return;
      seen.add(el);
      if (controlNear(el)) return;
      out.push(G.node(el, what + (hoverOnly(el) ? "; pauses only on mouse hover" : "")));
    }
    var marquees = document.getElementsByTagName("marquee");
    for (var i = 0; i < marquees.length; i++) if (visible(marquees[i])) add(marquees[i], "<marquee> scrolls without a pause control");
    var anims = document.getAnimations ? document.getAnimations() : [];
    for (var j = 0; j < anims.length; j++) {
      var an = anims[j], target = an.effect && an.effect.target;
      if (!target || target.nodeType !== 1 || an.playState !== "running") continue;
      var timing = an.effect.getComputedTiming();
      var end = timing.endTime;
      if (!(timing.iterations === Infinity || end === Infinity || end > minMs)) continue;
      var r = target.getBoundingClientRect();
      if (r.width * r.height < minArea || !visible(target)) continue;
      add(target, "CSS animation " + (an.animationName || an.transitionProperty || "") + ": " +
        (timing.iterations === Infinity ? "infinite" : Math.round(end) + "ms"));
    }
    var movers = G._moving || [];
    for (var k = 0; k < movers.length; k++) {
      var el = movers[k], cs = getComputedStyle(el), rr = el.getBoundingClientRect();
      if (rr.width * rr.height < minArea) continue;
      var op = el.offsetParent;
      var pageLevel = cs.position === "fixed" || (cs.position === "absolute" &&
        (!op || op === document.body || op === document.documentElement));
      if (pageLevel) floats.push(G.node(el, "moves across the page (script-animated floating window)"));
      add(el, "moved between samples 500 ms apart (script animation or auto-scroll)");
    }
    return {motion: out, floating: floats};
  };

  /* Media that plays with sound and offers no way to pause it. */
  G.media = function (minSeconds) {
    var out = [], list = document.querySelectorAll("video,audio");
    for (var i = 0; i < list.length; i++) {
      var m = list[i];
      if (m.paused || m.ended || m.muted || m.volume === 0) continue;
      var long = m.loop || !isFinite(m.duration) || m.duration > minSeconds;
      if (!long || m.controls) continue;
      if (m.tagName === "VIDEO" && m.webkitAudioDecodedByteCount === 0 && m.currentTime > 0.5) continue; // no audio track
      if (controlNear(m)) continue;
      out.push(G.node(m, "playing with sound, " + (isFinite(m.duration) ? fmt(m.duration) + "s" : "stream") +
        (m.loop ? " (loop)" : "") + ", no controls"));
    }
    return out;
  };

  /* -- keyboard: what Tab reaches and how focus looks ------------------------------------------ */
  var FOCUSABLE = "a[href],area[href],button,input,select,textarea,iframe,summary,[tabindex]," +
    "[contenteditable=''],[contenteditable='true'],audio[controls],video[controls]";

  function tabbable(doc) {
    var out = [], list = doc.querySelectorAll(FOCUSABLE);
    for (var i = 0; i < list.length; i++) {
      var el = list[i];
      if (el.disabled || el.tabIndex < 0 || (el.type === "hidden")) continue;
      var cs = getComputedStyle(el);
      if (cs.visibility !== "visible" || !el.getClientRects().length) continue;
      out.push(el);
    }
    return out;
  }

  function snap(el) {
    var cs = getComputedStyle(el), r = el.getBoundingClientRect(), s = {};
    var ow = cs.outlineStyle === "none" ? 0 : parseFloat(cs.outlineWidth);
    s.outline = ow > 0 ? cs.outlineStyle + " " + ow + " " + cs.outlineColor + " " + cs.outlineOffset : "none";
    s["box-shadow"] = cs.boxShadow;
    s.border = ["Top", "Right", "Bottom", "Left"].map(function (side) {
      return cs["border" + side + "Style"] + " " + cs["border" + side + "Width"] + " " + cs["border" + side + "Color"];
    }).join("|");
    s.background = cs.backgroundColor + " " + cs.backgroundImage;
    s["text-decoration"] = cs.textDecorationLine + " " + cs.textDecorationStyle;
    s.position = Math.round(r.left + scrollX) + "," + Math.round(r.top + scrollY) + "," +
      Math.round(r.width) + "x" + Math.round(r.height);
    ["::before", "::after"].forEach(function (pseudo) {
      var p = getComputedStyle(el, pseudo);
      s[pseudo] = p.content === "none" ? "none" : p.content + " " + p.outlineStyle + " " + p.backgroundColor + " " +
        p.borderBottomColor + " " + p.boxShadow;
    });
    return s;
  }

  /* Before tabbing: count tabbable elements, hook keydown (top and same-origin frames) and window.open. */
  G.focusSetup = function () {
    var list = tabbable(document);
    G._seen = [];
    G._log = [];
    G._opened = [];
    function index(el) {
      var i = G._seen.indexOf(el);
      if (i < 0) { G._seen.push(el); i = G._seen.length - 1; }
      return i;
    }
    function record(frameIndex) {
      return function (ev) {
        if (ev.key !== "Tab") return;
        var doc = ev.target && ev.target.ownerDocument ? ev.target.ownerDocument : document;
        var el = frameIndex === null ? document.activeElement : doc.activeElement;
        if (frameIndex === null && (!el || el === document.body || el === document.documentElement)) {
          G._log.push({i: -1});
        } else if (frameIndex !== null) {
          G._log.push({frame: frameIndex, i: -2});
        } else {
          G._log.push({i: index(el), focused: snap(el)});
        }
      };
    }
    window.addEventListener("keydown", record(null), true);
    var frames = document.querySelectorAll("iframe,frame"), sameOrigin = 0;
    for (var f = 0; f < frames.length; f++) {
      try {
        frames[f].contentWindow.addEventListener("keydown", record(f), true);
        sameOrigin++;
      } catch (e) { /* cross-origin: its key presses go unrecorded */ }
    }
    var open = window.open;
    window.open = function () {
      var a = document.activeElement;
      G._opened.push(a && a !== document.body ? index(a) : -1);
      return open.apply(window, arguments);
    };
    var positive = list.filter(function (el) { return el.tabIndex > 0; }).slice(0, 10).map(function (el) {
      return G.node(el, "tabindex=" + el.tabIndex);
    });
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    window.scrollTo(0, 0);
    return {tabbable: list.length, frames: frames.length, same_origin_frames: sameOrigin, positive: positive};
  };

  /* After tabbing: the focus log, and for each focused element what changed versus unfocused. */
  G.focusResult = function () {
    var final = document.activeElement;
    var finalIndex = !final || final === document.body ? -1 : G._seen.indexOf(final);
    if (finalIndex < 0 && final && final !== document.body) { G._seen.push(final); finalIndex = G._seen.length - 1; }
    if (final && final.blur) final.blur();
    var elems = G._seen.map(function (el) {
      var n = G.node(el);
      n.tag = el.tagName;
      n.visible = visible(el) || el.tagName === "IFRAME";
      n.unfocused = snap(el);
      return n;
    });
    var log = G._log.map(function (e) {
      if (e.focused) {
        var u = elems[e.i].unfocused, changed = [];
        for (var key in e.focused) if (e.focused[key] !== u[key]) changed.push(key);
        return {i: e.i, changed: changed};
      }
      return e;
    });
    elems.forEach(function (n) { delete n.unfocused; });
    return {log: log, final: finalIndex, elems: elems, opened: G._opened};
  };

  /* -- reflow: content that needs horizontal scrolling or is cut off at a narrow viewport ---------- */
  var EXEMPT = "table,img,picture,video,canvas,svg,pre,code,iframe,object,embed,map,math,[role=img]," +
    "[role=grid],[role=application],[role=toolbar]";

  G.reflow = function (tolerance) {
    var vw = document.documentElement.clientWidth, se = document.scrollingElement || document.documentElement;
    var out = [], els = all();
    var limit = vw + tolerance;
    for (var i = 0; i < els.length && out.length < 10; i++) {
      var el = els[i], r = el.getBoundingClientRect();
      var right = r.right + scrollX, left = r.left + scrollX;
      if (right <= limit || left >= vw || r.width <= 0 || r.height <= 0) continue;
      if (el.closest(EXEMPT)) continue;
      var cs = getComputedStyle(el);
      if (cs.visibility !== "visible" || cs.position === "fixed") continue;
      if (!(el.innerText || "").trim()) continue;
      // the cause, not its children: the parent still fits; and not a slide cut off inside its own box
      var p = el.parentElement, pr = p.getBoundingClientRect();
      if (p !== document.body && pr.right + scrollX > limit) continue;
      var clipped = false;
      for (var a = p; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
        var acs = getComputedStyle(a);
        if (acs.overflowX !== "visible" && a.getBoundingClientRect().right + scrollX <= limit) { clipped = true; break; }
      }
      if (clipped) continue;
      out.push(G.node(el, "extends to " + Math.round(right) + "px at a " + vw + "px viewport (scrollWidth " +
        se.scrollWidth + "px)"));
    }
    return {scroll_width: se.scrollWidth, client_width: vw, nodes: out};
  };

  /* -- resize text: double every text size (like 200% text-only zoom) and look for cut-off text ---- */
  function clipState(el) {
    var cs = getComputedStyle(el);
    var y = cs.overflowY !== "visible" && el.scrollHeight > el.clientHeight + 2;
    var x = cs.overflowX !== "visible" && el.scrollWidth > el.clientWidth + 2;
    return (y ? "y" : "") + (x ? "x" : "");
  }

  G.textZoom = function (factor) {
    var els = all(), texts = [], sizes = [];
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!TEXT_TAGS[el.tagName] || ownText(el).length < 2) continue;
      var cs = getComputedStyle(el);
      if (!visible(el, cs)) continue;
      texts.push(el);
      sizes.push(parseFloat(cs.fontSize));
    }
    var boxes = new Set();
    texts.forEach(function (el) {
      for (var a = el, up = 0; a && up < 5 && a !== document.body; a = a.parentElement, up++) boxes.add(a);
    });
    boxes = Array.from(boxes).filter(function (b) {
      var cs = getComputedStyle(b);
      return cs.overflowX !== "visible" || cs.overflowY !== "visible";
    });
    var before = boxes.map(clipState), saved = [];
    texts.forEach(function (el, k) {
      saved.push([el, el.style.getPropertyValue("font-size"), el.style.getPropertyPriority("font-size")]);
      el.style.setProperty("font-size", sizes[k] * factor + "px", "important");
    });
    var out = [], patterns = {};
    boxes.forEach(function (b, k) {
      var now = clipState(b);
      if (!now || now === before[k] || out.length >= 30) return;
      var p = G.pattern(b);
      if (patterns[p]) return;
      patterns[p] = 1;
      out.push(G.node(b, "at " + factor * 100 + "% text the content is " + b.scrollWidth + "x" + b.scrollHeight +
        "px in a " + b.clientWidth + "x" + b.clientHeight + "px box that hides overflow"));
    });
    saved.forEach(function (s) {
      s[0].style.removeProperty("font-size");
      if (s[1]) s[0].style.setProperty("font-size", s[1], s[2]);
    });
    return out;
  };


  /* -- govcrawl's further rules (documented in crawler/browser.py) --------------------------------- */
  var NATIVE_FOCUS = "a[href],area[href],button,input,select,textarea,iframe,summary,[tabindex],label," +
    "[contenteditable=''],[contenteditable='true'],audio[controls],video[controls]";
  var HEADING_TAGS = {H1: 1, H2: 1, H3: 1, H4: 1, H5: 1, H6: 1};

  function listens(el, types) {
    var got = el.__gcListen || "";
    for (var i = 0; i < types.length; i++) {
      if (got.indexOf(" " + types[i] + " ") >= 0 || el.getAttribute && el.getAttribute("on" + types[i]) !== null) return true;
    }
    return false;
  }

  /* Elements with a mouse click handler that the keyboard cannot reach (not focusable, nothing focusable in or around). */
  G.clickOnly = function () {
    var out = [], els = all();
    for (var i = 0; i < els.length && out.length < 10; i++) {
      var el = els[i];
      if (!listens(el, ["click", "mousedown", "mouseup"])) continue;
      if (el.matches(NATIVE_FOCUS) || el.closest(NATIVE_FOCUS) || el.querySelector(NATIVE_FOCUS)) continue;
      if (!visible(el) || !(el.innerText || "").trim()) continue;
      out.push(G.node(el, "mouse click handler on a <" + el.localName + "> that Tab cannot reach"));
    }
    return out;
  };

  /* a[href][role=button]: a link activates on Enter only; a button must work with Space too. */
  G.roleButtonLinks = function () {
    var out = [], list = document.querySelectorAll("a[href][role=button]");
    var global = listens(window, ["keydown", "keyup", "keypress"]) || listens(document, ["keydown", "keyup", "keypress"]);
    if (global) return out;
    for (var i = 0; i < list.length && out.length < 10; i++) {
      var el = list[i], handled = false;
      for (var a = el; a; a = a.parentElement) if (listens(a, ["keydown", "keyup", "keypress"])) { handled = true; break; }
      if (!handled && visible(el)) out.push(G.node(el, "role=button on a link without a key handler: Space does nothing"));
    }
    return out;
  };

  /* Short single-line text styled like a heading (large and bold) that is not a heading. */
  G.fakeHeadings = function (bodyPx, ratio) {
    var out = [], els = all();
    for (var i = 0; i < els.length && out.length < 10; i++) {
      var el = els[i];
      if (HEADING_TAGS[el.tagName] || el.closest("h1,h2,h3,h4,h5,h6,[role=heading],a,button,label,legend,caption,th")) continue;
      var text = ownText(el);
      if (text.length < 2 || text.length > 60 || el.children.length) continue;
      var cs = getComputedStyle(el);
      if (cs.display !== "block" || !visible(el, cs)) continue;
      if (parseFloat(cs.fontSize) < bodyPx * ratio || parseInt(cs.fontWeight, 10) < 600) continue;
      if (el.getClientRects().length !== 1 || el.getBoundingClientRect().height > parseFloat(cs.fontSize) * 2.2) continue;
      var next = el.nextElementSibling;
      if (!next || !(next.innerText || "").trim()) continue;
      out.push(G.node(el, "font-size " + cs.fontSize + " bold, body " + bodyPx + "px: looks like a heading, is a <" +
        el.localName + ">"));
    }
    return out;
  };

  /* Justified blocks of Latin-script text (word spacing stretched). */
  G.justified = function () {
    var out = [], els = all(), seen = {};
    for (var i = 0; i < els.length && out.length < 10; i++) {
      var el = els[i];
      if (!BLOCK_TEXT[el.tagName]) continue;
      var text = ownText(el);
      if (text.length < 80) continue;
      var cs = getComputedStyle(el);
      if (cs.textAlign !== "justify" || !visible(el, cs)) continue;
      var latin = (text.match(/[A-Za-z\u00c0-\u024f]/g) || []).length;
      var cjk = (text.match(/[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/g) || []).length;
      if (latin < 0.8 * (latin + cjk)) continue;
      if (el.getBoundingClientRect().height < parseFloat(cs.fontSize) * 1.8) continue; // two lines or more
      var p = G.pattern(el);
      if (seen[p]) continue;
      seen[p] = 1;
      out.push(G.node(el, "text-align: justify on Latin-script text"));
    }
    return out;
  };

  /* Words inserted with CSS ::before/::after content (not icons, bullets or punctuation). */
  G.cssContent = function () {
    var out = [], els = all(), seen = {};
    for (var i = 0; i < els.length && out.length < 10; i++) {
      var el = els[i];
      ["::before", "::after"].forEach(function (pseudo) {
        var c = getComputedStyle(el, pseudo).content;
        if (!c || c === "none" || c === "normal" || c.charAt(0) !== '"') return;
        var letters = c.match(/[A-Za-z\u00c0-\u024f\u4e00-\u9fff]/g) || [];
        if (letters.length < 2 || !visible(el)) return;
        var p = G.pattern(el) + pseudo;
        if (seen[p]) return;
        seen[p] = 1;
        out.push(G.node(el, pseudo + " content " + c.slice(0, 60)));
      });
    }
    return out;
  };

  /* Tab order against the visual order: on one line, focus moving to the left (left-to-right pages). */
  G.visualOrder = function () {
    var out = [], list = tabbable(document).filter(function (el) { return el.tabIndex === 0 && visible(el); });
    if (getComputedStyle(document.body).direction === "rtl") return out;
    for (var i = 1; i < list.length && out.length < 10; i++) {
      var a = list[i - 1].getBoundingClientRect(), b = list[i].getBoundingClientRect();
      var overlap = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (overlap < 0.5 * Math.min(a.height, b.height)) continue;
      if (b.right <= a.left - 1) out.push(G.node(list[i], "Tab moves right to left on one line (" +
        Math.round(a.left) + "px to " + Math.round(b.left) + "px)"));
    }
    return out;
  };

  /* Siblings floated right in a row: the reading order of the source is the reverse of what is seen. */
  G.reversedFloats = function () {
    var out = [], els = all(), done = new Set();
    for (var i = 0; i < els.length && out.length < 10; i++) {
      var p = els[i].parentElement;
      if (!p || done.has(p)) continue;
      done.add(p);
      var run = [];
      for (var c = p.firstElementChild; c; c = c.nextElementSibling) {
        var cs = getComputedStyle(c);
        if (cs.float === "right" && visible(c, cs) && (c.innerText || "").trim()) run.push(c);
        else if (cs.display !== "none" && cs.position !== "absolute") { if (run.length >= 2) break; run = []; }
      }
      if (run.length < 2) continue;
      var r0 = run[0].getBoundingClientRect(), r1 = run[1].getBoundingClientRect();
      if (r1.right <= r0.left + 1 && Math.abs(r0.top - r1.top) < r0.height) {
        out.push(G.node(p, run.length + " siblings float right: seen right to left, read left to right"));
      }
    }
    return out;
  };

  /* Change each select's value as a user would and report a change of context. */
  G.selectSetup = function () {
    G._submitted = 0;
    G._opened = G._opened || [];
    var submit = HTMLFormElement.prototype.submit;
    HTMLFormElement.prototype.submit = function () { G._submitted++; };
    document.addEventListener("submit", function (e) { G._submitted++; e.preventDefault(); }, true);
    if (!G._openHooked) {
      var open = window.open;
      window.open = function () { G._opened.push(-1); return null; };
      G._openHooked = open;
    }
    void submit;
    var out = [], list = document.querySelectorAll("select");
    for (var i = 0; i < list.length && out.length < 5; i++) {
      var s = list[i];
      if (s.disabled || s.multiple || s.options.length < 2 || !visible(s)) continue;
      out.push(s);
    }
    G._selects = out;
    return out.length;
  };

  G.selectTry = function (k) {
    var s = G._selects[k], before = G._opened.length + G._submitted;
    var target = s.selectedIndex === s.options.length - 1 ? 0 : s.options.length - 1;
    s.selectedIndex = target;
    s.dispatchEvent(new Event("input", {bubbles: true}));
    s.dispatchEvent(new Event("change", {bubbles: true}));
    return {changed: G._opened.length + G._submitted > before, node: G.node(s)};
  };

  /* -- screenshots -------------------------------------------------------------------------------- */
  G.mark = function (selector) {
    var el;
    try { el = document.querySelector(selector); } catch (e) { return false; }
    if (!el) return false;
    G._marked = [el, el.style.getPropertyValue("outline"), el.style.getPropertyPriority("outline"),
      el.style.getPropertyValue("outline-offset")];
    el.style.setProperty("outline", "3px solid red", "important");
    el.style.setProperty("outline-offset", "1px", "important");
    el.scrollIntoView({block: "center", inline: "center"});
    return true;
  };

  G.unmark = function () {
    var m = G._marked;
    if (!m) return;
    m[0].style.removeProperty("outline");
    m[0].style.removeProperty("outline-offset");
    if (m[1]) m[0].style.setProperty("outline", m[1], m[2]);
    if (m[3]) m[0].style.setProperty("outline-offset", m[3]);
    G._marked = null;
  };
})();
