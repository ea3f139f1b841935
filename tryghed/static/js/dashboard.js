/* The dashboard's charts and map. The page already holds every number in tables, so
   without JavaScript (or when a chart cannot load) nothing is lost. Each chart fetches
   its Vega-Lite specification with the data inline; vega-embed draws it and offers PNG
   and SVG downloads only. The map draws the municipalities' own boundaries, coloured by
   count or rate, without any tile server. */
(function () {
  "use strict";

  if (!window.fetch) {
    return;
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  if (window.vegaEmbed) {
    document.querySelectorAll("[data-dashboard-chart]").forEach(function (element) {
      getJSON(element.dataset.dashboardChart).then(function (spec) {
        return window.vegaEmbed(element, spec, {
          renderer: "svg",
          actions: { export: true, source: false, compiled: false, editor: false }
        }).then(function () {
          // vega-embed's menu button is an icon without a name for screen readers.
          var summary = element.querySelector("details > summary");
          if (summary) {
            summary.setAttribute("aria-label", element.dataset.actionsLabel);
          }
        });
      }).catch(function () {
        element.hidden = true;
      });
    });
  }

  var block = document.querySelector("[data-dashboard-map]");
  if (!block || !window.L) {
    return;
  }
  // Five steps of one blue, light to dark, that keep borders and text readable.
  var COLOURS = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  var SMALL = "#f0f0f0";
  var NONE = "#ffffff";
  var measure = block.dataset.measure;
  var format = new Intl.NumberFormat(document.documentElement.lang || "da", {
    maximumFractionDigits: 1
  });

  function valueOf(properties) {
    var value = measure === "rate" ? properties.rate : properties.count;
    return typeof value === "number" ? value : null;
  }

  function steps(values) {
    var high = Math.max.apply(null, values.concat([0]));
    // Counts are whole numbers, so their steps are too.
    var size = measure === "rate" ? high / COLOURS.length || 1 :
      Math.max(1, Math.ceil(high / COLOURS.length));
    return COLOURS.map(function (colour, i) {
      // A count belongs to the first step it does not exceed, so after the first step a
      // step of counts starts one above the last one's end: 0–6, 7–12, not 0–6, 6–12.
      var from = measure === "rate" || i === 0 ? i * size : i * size + 1;
      return { colour: colour, from: from, to: (i + 1) * size };
    });
  }

  function stepLabel(step) {
    if (step.from === step.to) {
      return format.format(step.from);
    }
    return format.format(step.from) + "–" + format.format(step.to);
  }

  function colourOf(properties, classes) {
    var value = valueOf(properties);
    if (value === null) {
      // "<5", or ".." for a count hidden to protect one under 5.
      return typeof properties.count === "string" ? SMALL : NONE;
    }
    for (var i = 0; i < classes.length; i++) {
      if (value <= classes[i].to) {
        return classes[i].colour;
      }
    }
    return classes[classes.length - 1].colour;
  }

  function legendItem(list, colour, text) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.style.background = colour;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(text));
    list.appendChild(item);
  }

  getJSON(block.dataset.dashboardMap).then(function (geojson) {
    block.hidden = false;
    var map = L.map(block.querySelector(".dashboard-map"), {
      attributionControl: false,
      zoomSnap: 0.5,
      scrollWheelZoom: false
    });
    var values = geojson.features.map(function (f) { return valueOf(f.properties); })
      .filter(function (v) { return v !== null; });
    var classes = steps(values);
    var layer = L.geoJSON(geojson, {
      style: function (feature) {
        return {
          color: "#333",
          weight: 1,
          fillOpacity: 0.85,
          fillColor: colourOf(feature.properties, classes)
        };
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var value = valueOf(p);
        shape.bindTooltip(p.name + ": " + (value === null ? p.count : format.format(value)));
      }
    }).addTo(map);
    if (layer.getBounds().isValid()) {
      map.fitBounds(layer.getBounds());
    } else {
      map.setView([55.5, 11.7], 8);
    }
    var legend = document.getElementById("dashboard-legend");
    classes.forEach(function (step) {
      legendItem(legend, step.colour, stepLabel(step));
    });
    if (geojson.features.some(function (f) { return f.properties.count === "<5"; })) {
      legendItem(legend, SMALL, block.dataset.small);
    }
    if (geojson.features.some(function (f) { return f.properties.count === ".."; })) {
      legendItem(legend, SMALL, ".. " + block.dataset.hidden);
    }
    if (geojson.features.some(function (f) { return f.properties.rate === null && measure === "rate" && typeof f.properties.count !== "string"; })) {
      legendItem(legend, NONE, block.dataset.noData);
    }
  }).catch(function () {
    block.hidden = true;
  });
})();

/* The hotspot map: the municipalities' boundaries as the background (no tile server) and
   the grid squares on top, darker the more incidents; squares shown as "<5" in one grey. */
(function () {
  "use strict";

  var block = document.querySelector("[data-hotspot-map]");
  if (!block || !window.fetch || !window.L) {
    return;
  }
  var COLOURS = ["#fee391", "#fec44f", "#fe9929", "#d95f0e", "#993404"];
  var SMALL = "#bdbdbd";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.json();
    });
  }

  function legendItem(list, colour, text) {
    var item = document.createElement("li");
    var swatch = document.createElement("span");
    swatch.style.background = colour;
    item.appendChild(swatch);
    item.appendChild(document.createTextNode(text));
    list.appendChild(item);
  }

  Promise.all([getJSON(block.dataset.boundaries), getJSON(block.dataset.hotspotMap)])
    .then(function (results) {
      var boundaries = results[0];
      var cells = results[1];
      block.hidden = false;
      var map = L.map(block.querySelector(".dashboard-map"), {
        attributionControl: false,
        zoomSnap: 0.5,
        scrollWheelZoom: false
      });
      var outline = L.geoJSON(boundaries, {
        interactive: false,
        style: { color: "#666", weight: 1, fillColor: "#fff", fillOpacity: 1 }
      }).addTo(map);
      var values = cells.features.map(function (f) { return f.properties.count; })
        .filter(function (v) { return typeof v === "number"; });
      var high = Math.max.apply(null, values.concat([1]));
      var size = Math.max(1, Math.ceil(high / COLOURS.length));
      function colourOf(count) {
        if (typeof count !== "number") {
          return SMALL;
        }
        return COLOURS[Math.min(COLOURS.length - 1, Math.floor((count - 1) / size))];
      }
      var layer = L.geoJSON(cells, {
        style: function (feature) {
          return {
            stroke: false,
            fillOpacity: 0.9,
            fillColor: colourOf(feature.properties.count)
          };
        },
        onEachFeature: function (feature, shape) {
          shape.bindTooltip(String(feature.properties.count));
        }
      }).addTo(map);
      // The whole area chosen, so that the squares are seen where they lie in it.
      var bounds = outline.getBounds().isValid() ? outline.getBounds() : layer.getBounds();
      if (bounds.isValid()) {
        map.fitBounds(bounds);
      } else {
        map.setView([55.5, 11.7], 8);
      }
      var legend = document.getElementById("hotspot-legend");
      // The steps from the smallest count shown as a number: where counts under 5 are
      // hidden, steps of 1–2 and 3–4 would name counts no square shows.
      var low = Math.min.apply(null, values.concat([high]));
      COLOURS.forEach(function (colour, i) {
        var from = Math.max(i * size + 1, low);
        var to = Math.min(high, (i + 1) * size);
        if (from <= to) {
          legendItem(legend, colour, from === to ? String(from) : from + "–" + to);
        }
      });
      if (cells.features.some(function (f) { return f.properties.count === "<5"; })) {
        legendItem(legend, SMALL, block.dataset.small);
      }
      if (cells.features.some(function (f) { return f.properties.count === ".."; })) {
        legendItem(legend, SMALL, ".. " + block.dataset.hidden);
      }
      if (cells.total_cells > cells.features.length) {
        var note = document.getElementById("hotspot-map-note");
        note.textContent = block.dataset.shownOf
          .replace("{shown}", cells.features.length)
          .replace("{total}", cells.total_cells);
        note.hidden = false;
      }
    })
    .catch(function () {
      block.hidden = true;
    });
})();
