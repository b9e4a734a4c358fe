// The lake dashboard's charts (DashboardPage inlines this file after Chart.js). It draws what the page's data
// island specifies, one chart per canvas[data-chart], and knows nothing of the reports.
'use strict';
(() => {
  const data = JSON.parse(document.getElementById('dashboard-data').textContent);

  const grouped = (digits) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

  // Amounts are integer minor units: JSON numbers while JavaScript holds them exactly (up to 2^53 - 1,
  // Number.MAX_SAFE_INTEGER), strings of digits beyond. They are printed from their digits, never by dividing a
  // float, so a printed figure is exact; only the drawn length of a bar beyond 2^53 is rounded, to the pixel.
  const units = (minor) => {
    const digits = typeof minor === 'string' ? minor : Number.isSafeInteger(minor) ? String(minor) : null;
    if (digits === null || !/^-?\d+$/.test(digits)) {
      return '';
    }
    const negative = digits.startsWith('-');
    const padded = (negative ? digits.slice(1) : digits).padStart(3, '0');
    return (negative ? '-' : '') + grouped(padded.slice(0, -2)) + '.' + padded.slice(-2);
  };
  const count = (n) => (Number.isSafeInteger(n) ? grouped(String(n)) : typeof n === 'string' ? grouped(n) : '');
  const format = (unit, value) => (unit === 'money' ? units(value) : count(value));

  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const spec = data.charts[canvas.dataset.chart];
    const valueAxis = spec.horizontal ? 'x' : 'y';
    const categoryAxis = spec.horizontal ? 'y' : 'x';
    new Chart(canvas, {
      type: spec.type,
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((d) => ({
          label: d.label,
          data: d.values.map(Number),
          exact: d.values,
          backgroundColor: d.colors ?? d.color,
          borderColor: d.colors ?? d.color,
          pointRadius: 3,
          borderWidth: spec.type === 'line' ? 2 : 0,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: categoryAxis,
        plugins: {
          legend: { display: spec.datasets.length > 1, position: 'bottom' },
          tooltip: {
            callbacks: {
              title: (items) => (spec.titles ? spec.titles[items[0].dataIndex] : items[0].label),
              label: (item) => `${item.dataset.label}: ${format(spec.unit, item.dataset.exact[item.dataIndex])}`,
            },
          },
        },
        scales: {
          [valueAxis]: {
            beginAtZero: true,
            title: { display: true, text: spec.axis },
            ticks: { precision: 0, callback: (value) => format(spec.unit, value) },
          },
          [categoryAxis]: { grid: { display: false } },
        },
      },
    });
  }
  document.body.dataset.rendered = 'true';
})();
