/** 2.0.1 DataTransfer has 1.6's fields and statuses: the same vendor rule (dataTransferVendorIds) answers it. */
export { dataTransfer } from '../v16/dataTransfer.js';
