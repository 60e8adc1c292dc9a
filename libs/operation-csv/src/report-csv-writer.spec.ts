import { intakeV1, operationV1 } from '@tradewarden/proto';
import { readCsvRecords } from './csv-record-reader';
import { refusedReportRow, writeReportCsv } from './report-csv-writer';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const value of iterable) result.push(value);
  return result;
}

describe('writeReportCsv', () => {
  it('writes the header and one quoted line per row', async () => {
    const rows = [
      intakeV1.ReportRow.fromPartial({ rowNumber: 1, itemId: 'i-1', spec: { serverId: 'mt5-demo-1' }, status: operationV1.ItemStatus.ITEM_STATUS_APPLIED, mtReference: '90001' }),
      intakeV1.ReportRow.fromPartial({
        rowNumber: 2,
        itemId: 'i-2',
        spec: { serverId: 'mt5-demo-1' },
        status: operationV1.ItemStatus.ITEM_STATUS_REJECTED,
        errorCode: 'MT_RETCODE_10019',
        errorMessage: 'no money, "free margin" 0,\nsee log',
      }),
    ];
    const lines = await collect(writeReportCsv(rows));
    expect(lines.slice(0, 2)).toEqual(['row,item_id,server_id,status,error_code,error_message,mt_reference\r\n', '1,i-1,mt5-demo-1,applied,,,90001\r\n']);
    const reread = await collect(readCsvRecords([lines.join('')], { maxRecordBytes: 1024, maxInputBytes: 4096 }));
    expect(reread[2]?.cells).toEqual(['2', 'i-2', 'mt5-demo-1', 'rejected', 'MT_RETCODE_10019', 'no money, "free margin" 0,\nsee log', '']);
  });

  it('makes rows for items refused before anything was stored', () => {
    expect(refusedReportRow(3, 'mt5-demo-1', 'NOT_AN_INTEGER', 'bad')).toMatchObject({ rowNumber: 3, itemId: '', status: operationV1.ItemStatus.ITEM_STATUS_SKIPPED, spec: { serverId: 'mt5-demo-1' } });
  });
});
