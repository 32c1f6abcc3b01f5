// @ts-check
/** @type {import('@docusaurus/types').Config} */
const config = {
  title: 'Lantern',
  url: 'https://lantern.example',
  baseUrl: '/',
  presets: [['classic', {docs: {sidebarPath: './sidebars.js'}, blog: {showReadingTime: true}}]],
};

module.exports = config;
