export { progressQuery, weeklySalesReport } from './weekly-sales-report';
