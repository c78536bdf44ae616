const path=require('path');const fs=require('fs');
const cv=require(require.resolve('@aws/cloudformation-validate',{paths:[path.dirname(require.resolve('aws-cdk-lib'))]}));
const engine=new cv.CompositeEngine({});
const opts={detailLevel:'STANDARD',pseudoParameterOverrides:{accountId:'123456789012',region:'us-east-1'},exclude:{ids:["W3005","W1020","E1018","W9002","W9013","W1103"],services:[{ruleId:'W3697',service:'AWS::AutoScaling'}]},severityLevel:'WARN'};
const ours=require('/tmp/bo/Services0.template.json'), peer=require('/tmp/bp/Services0.template.json');
const pick=(t,name)=>Object.entries(t.Resources).find(([k,r])=>r.Type==='AWS::CloudWatch::Alarm'&&JSON.stringify(r).includes(name))[1];
const oa=pick(ours,'mem_used_percent'), pa=pick(peer,'CPUUtilization');
function tpl(alarm,n){const R={Topic:{Type:'AWS::SNS::Topic'},Alerts91F83244:{Type:'AWS::SNS::Topic'},AlertsE664E991:{Type:'AWS::SNS::Topic'},Svc0GroupASG8B6CACD7:{Type:'AWS::SNS::Topic'}};for(let i=0;i<n;i++)R['A'+i]=JSON.parse(JSON.stringify(alarm).replace(/"AlarmName":"[^"]*"/,`"AlarmName":"a${i}"`));return {Resources:R};}
function run(label,t){const f=`/tmp/val4-${label}.json`;fs.writeFileSync(f,JSON.stringify(t,null,1));
 const tf=new cv.TemplateFile(f);const ts=[];let rep;for(let i=0;i<7;i++){const s=process.hrtime.bigint();rep=engine.validateTemplate(tf,opts);ts.push(Number(process.hrtime.bigint()-s)/1e6);}
 ts.sort((a,b)=>a-b); console.log(label.padEnd(28),'median ms',ts[3].toFixed(0),'diag',rep.diagnostics.length);}
const N=500;
run('warm',tpl(pa,N));
run('peer-alarm',tpl(pa,N));
run('our-alarm',tpl(oa,N));
const mod=(f)=>{const a=JSON.parse(JSON.stringify(oa));f(a.Properties);return a;};
run('ours-no-tags',tpl(mod(p=>delete p.Tags),N));
run('ours-2-tags',tpl(mod(p=>p.Tags=p.Tags.slice(2)),N));
run('ours-1-tag',tpl(mod(p=>p.Tags=p.Tags.slice(3)),N));
run('ours-no-actcfg',tpl(mod(p=>delete p.ActionConfiguration),N));
run('ours-no-warmup',tpl(mod(p=>delete p.WarmUpConfiguration),N));
run('ours-no-tags-actcfg',tpl(mod(p=>{delete p.Tags;delete p.ActionConfiguration}),N));
run('ours-no-tags-actcfg-wu',tpl(mod(p=>{delete p.Tags;delete p.ActionConfiguration;delete p.WarmUpConfiguration}),N));
run('ours-no-desc',tpl(mod(p=>delete p.AlarmDescription),N));
run('ours-no-ok',tpl(mod(p=>delete p.OKActions),N));
console.log(JSON.stringify(oa));
