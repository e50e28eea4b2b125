/** CSV files in the two supported formats, as people export them. */
export const UNIVERSAL_CSV = [
  'Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag',
  '2024-01-05T10:00:00Z,0.5,BTC,,,,,',
  '2024-01-06T10:00:00Z,2.25,ETH,0.1,BTC,0.001,ETH,trade',
  '2024-02-01T00:00:00Z,0.01,ETH,,,,,staking',
  '03/01/2024 09:30:00,,,0.05,BTC,0.0001,BTC,withdrawal',
  '2024-03-05 12:00:00,100,FAKECOIN,,,,,airdrop',
].join('\n');

export const KRAKEN_LEDGER_CSV = [
  '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance"',
  '"L1","D1","2024-04-01 08:00:00","deposit","","currency","ZUSD","spot / main",1000.0000,0.0000,1000.0000',
  '"L2","T1","2024-04-02 09:15:30","trade","","currency","ZUSD","spot / main",-600.0000,1.5600,398.4400',
  '"L3","T1","2024-04-02 09:15:30","trade","","currency","XXBT","spot / main",0.0100000000,0.0000000000,0.0100000000',
  '"L4","S1","2024-04-03 00:00:00","staking","","currency","ETH2.S","earn / bonded",0.0020000000,0.0000000000,0.0020000000',
  '"L5","W1","2024-04-04 10:00:00","withdrawal","","currency","XXBT","spot / main",-0.0050000000,0.0001000000,0.0049000000',
].join('\n');
