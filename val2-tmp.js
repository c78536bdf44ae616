const path=require('path');const fs=require('fs');
const cv=require(require.resolve('@aws/cloudformation-validate',{paths:[path.dirname(require.resolve('aws-cdk-lib'))]}));
const engine=new cv.CompositeEngine({});
const opts={detailLevel:'STANDARD',pseudoParameterOverrides:{accountId:'123456789012',region:'us-east-1'},exclude:{ids:["W3005","W1020","E1018","W9002","W9013","W1103"],services:[{ruleId:'W3697',service:'AWS::AutoScaling'}]},severityLevel:'WARN'};
const ours=require('/tmp/bo/Services0.template.json'), peer=require('/tmp/bp/Services0.template.json');
function run(label,tpl){const f=`/tmp/val-${label}.json`;fs.writeFileSync(f,JSON.stringify(tpl,null,1));
 const tf=new cv.TemplateFile(f);const ts=[];let rep;for(let i=0;i<9;i++){const t=process.hrtime.bigint();rep=engine.validateTemplate(tf,opts);ts.push(Number(process.hrtime.bigint()-t)/1e6);}
 ts.sort((a,b)=>a-b); console.log(label.padEnd(24),'median ms',ts[4].toFixed(0),'diagnostics',rep.diagnostics.length); return rep;}
run('warm',peer);
const r=run('ours',ours); console.log(JSON.stringify(r.diagnostics[0]).slice(0,1500));
run('peer',peer);
function variant(label, f){const t=JSON.parse(JSON.stringify(ours));for(const r of Object.values(t.Resources)){if(r.Type==='AWS::CloudWatch::Alarm')f(r.Properties);}run(label,t);}
variant('no-actcfg',p=>{delete p.ActionConfiguration});
variant('no-warmup',p=>{delete p.WarmUpConfiguration});
variant('no-both',p=>{delete p.WarmUpConfiguration;delete p.ActionConfiguration});
variant('no-tags',p=>{delete p.Tags});
variant('no-both-no-tags',p=>{delete p.Tags;delete p.WarmUpConfiguration;delete p.ActionConfiguration});
