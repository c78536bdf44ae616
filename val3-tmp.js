const path=require('path');const fs=require('fs');
const cv=require(require.resolve('@aws/cloudformation-validate',{paths:[path.dirname(require.resolve('aws-cdk-lib'))]}));
const engine=new cv.CompositeEngine({});
const opts={detailLevel:'STANDARD',pseudoParameterOverrides:{accountId:'123456789012',region:'us-east-1'},exclude:{ids:["W3005","W1020","E1018","W9002","W9013","W1103"],services:[{ruleId:'W3697',service:'AWS::AutoScaling'}]},severityLevel:'WARN'};
const ours=require('/tmp/bo/Services0.template.json'), peer=require('/tmp/bp/Services0.template.json');
function run(label,tpl,indent=1){const f=`/tmp/val-${label}.json`;fs.writeFileSync(f,JSON.stringify(tpl,null,indent));
 const tf=new cv.TemplateFile(f);const ts=[];let rep;for(let i=0;i<9;i++){const t=process.hrtime.bigint();rep=engine.validateTemplate(tf,opts);ts.push(Number(process.hrtime.bigint()-t)/1e6);}
 ts.sort((a,b)=>a-b); console.log(label.padEnd(24),'median ms',ts[4].toFixed(0),'diagnostics',rep.diagnostics.length, 'bytes', fs.statSync(f).size); return rep;}
run('warm',peer);run('warm',peer);
run('ours',ours);
run('ours-compact',ours,0);
run('peer',peer);
const strip=(t,ty)=>{t=JSON.parse(JSON.stringify(t));for(const [k,r] of Object.entries(t.Resources))if(r.Type===ty)delete t.Resources[k];return t;};
run('peer-no-alarms',strip(peer,'AWS::CloudWatch::Alarm'));
run('ours-no-alarms',strip(ours,'AWS::CloudWatch::Alarm'));
run('peer-no-dash',strip(peer,'AWS::CloudWatch::Dashboard'));
run('ours-no-dash',strip(ours,'AWS::CloudWatch::Dashboard'));
const props=new Set();for(const r of Object.values(ours.Resources))if(r.Type==='AWS::CloudWatch::Alarm')Object.keys(r.Properties).forEach(k=>props.add(k));
for(const p of props){const t=JSON.parse(JSON.stringify(ours));for(const r of Object.values(t.Resources))if(r.Type==='AWS::CloudWatch::Alarm'&&!['ComparisonOperator','EvaluationPeriods'].includes(p))delete r.Properties[p];run('no-'+p,t);}
